import { PATHS } from "../../render/paths.ts";
import type { RoleModule } from "../role-module.ts";
import { convergeNodeExporter } from "./converge.ts";
import { nodeExporterPlan } from "./plan.ts";

/**
 * Prometheus's node exporter (Debian's): the machine as a monitor node scrapes it. On an app node it
 * is what tells that the shared filestore is unmounted or stuck (the FilestoreUnavailable alert).
 * On a balancer it reports whether keepalived holds the VIP there (its textfile collector). It needs
 * nothing of the other roles; the app nodes' mount comes with the odoo role's files.
 */
export const nodeExporterRole: RoleModule = {
  name: "node-exporter",
  services: ["node-exporter"],
  plan: nodeExporterPlan,
  debianPackages: () => ["prometheus-node-exporter"],
  // (its user, 'prometheus', comes with the package)
  machine: {
    // Where the node's other roles leave what they tell the monitor (keepalived: whether it holds the VIP).
    runtimeDirectories: [{ path: PATHS.nodeExporterTextfiles }],
    debianUnits: () => ["prometheus-node-exporter.service"],
  },
  steps: [{ name: "node-exporter", after: [], run: convergeNodeExporter }],
};
