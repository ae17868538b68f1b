import { join } from "node:path";
import { loadTopologyFile, type Topology } from "@odoo-ha-lab/topology";
import { REPO_ROOT } from "./state.ts";

export const DEFAULT_TOPOLOGY = join(REPO_ROOT, "labs", "odoo-ha", "topology.yaml");

/** Options every lab command takes: the topology file and the overrides that move a lab aside. */
export const LAB_OPTIONS = {
  topology: { type: "string", short: "t" },
  name: { type: "string" },
  subnet: { type: "string" },
  "odoo-image": { type: "string" },
  json: { type: "boolean" },
} as const;

export interface LabOptionValues {
  topology?: string;
  name?: string;
  subnet?: string;
  "odoo-image"?: string;
  json?: boolean;
}

/** LAB_NAME / LAB_SUBNET let tests and CI run a lab beside a developer's default one. */
export function resolveTopology(values: LabOptionValues): Topology {
  return loadTopologyFile(values.topology ?? process.env.LAB_TOPOLOGY ?? DEFAULT_TOPOLOGY, {
    name: values.name ?? process.env.LAB_NAME,
    subnet: values.subnet ?? process.env.LAB_SUBNET,
    odooImage: values["odoo-image"] ?? process.env.LAB_ODOO_IMAGE,
  });
}
