import {
  addressesCommand,
  FILESTORE_ANSWERS_AT,
  filestoreChecks,
  PATHS,
  PATRONI_CLUSTER_COMMAND,
  PATRONI_CLUSTER_SECONDS,
  PATRONI_CLUSTER_URL,
  PROMETHEUS_ALERTS_COMMAND,
  PROMETHEUS_ALERTS_SECONDS,
  PROMETHEUS_ALERTS_URL,
} from "@odoo-ha-lab/roles";
import { type Host } from "@odoo-ha-lab/machine";
import { nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import type { ProbeName } from "../history.ts";
import type { LabEndpoints } from "../lab-endpoints.ts";
import { NodeWatch, type NodeCheck } from "./node-watch.ts";

export type NodeCheckName = "vip" | "patroni" | "mounted" | "responsive" | "alerts";

/** How often a monitor node's alerts are asked: Prometheus's evaluation interval. */
export const ALERTS_INTERVAL_MS = 1_000;

/**
 * The command behind each check: the same the roles' probes ask for `lab status` (the filestore's:
 * filestoreChecks); and the same question as the watch answers it without a process (node-watch.py).
 */
function nodeCheck(name: NodeCheckName, host: Host, statSeconds: number): NodeCheck {
  switch (name) {
    case "vip":
      return { name, command: addressesCommand(host), boundMs: 0, native: { kind: "addresses", device: host.interfaceName } };
    case "patroni":
      return { name, command: PATRONI_CLUSTER_COMMAND, boundMs: PATRONI_CLUSTER_SECONDS * 1000, native: { kind: "http-get", url: PATRONI_CLUSTER_URL, timeoutSeconds: PATRONI_CLUSTER_SECONDS } };
    case "mounted":
      return { name, command: filestoreChecks(statSeconds).mounted, boundMs: statSeconds * 1000, native: { kind: "mounted", path: PATHS.odooDataDir, timeoutSeconds: statSeconds } };
    case "responsive":
      return { name, command: filestoreChecks(statSeconds).responsive, boundMs: statSeconds * 1000, native: { kind: "responsive", path: FILESTORE_ANSWERS_AT, timeoutSeconds: statSeconds } };
    case "alerts":
      return { name, command: PROMETHEUS_ALERTS_COMMAND, boundMs: PROMETHEUS_ALERTS_SECONDS * 1000, native: { kind: "http-get", url: PROMETHEUS_ALERTS_URL, timeoutSeconds: PROMETHEUS_ALERTS_SECONDS } };
  }
}

/** Which checks each node answers for the probes that run: the VIP on its holders, Patroni on the database nodes, the filestore on app nodes, Prometheus's alerts on monitor nodes. */
export function checksByNode(topology: Topology, endpoints: LabEndpoints, probes: ProbeName[]): Map<string, NodeCheckName[]> {
  const wanted = new Map<string, NodeCheckName[]>();
  const add = (node: string, ...checks: NodeCheckName[]) => wanted.set(node, [...(wanted.get(node) ?? []), ...checks]);
  if (probes.includes("vip-holders")) for (const node of topology.vip.holders) add(node, "vip");
  if (probes.includes("patroni-leader")) for (const node of nodesWithRole(topology, "postgresql")) add(node.name, "patroni");
  if (probes.includes("storage")) for (const node of endpoints.appNodes) add(node.name, "mounted", "responsive");
  if (probes.includes("alerts")) for (const node of nodesWithRole(topology, "monitor")) add(node.name, "alerts");
  return wanted;
}

/** One watch per node that has checks to answer (nodes without a host are left out: they answer nothing). */
export function createNodeWatches(
  hosts: ReadonlyMap<string, Host>,
  checks: Map<string, NodeCheckName[]>,
  options: { intervalMs: number; maxDurationMs: number; statSeconds: number },
): Map<string, NodeWatch> {
  const watches = new Map<string, NodeWatch>();
  for (const [node, names] of checks) {
    const host = hosts.get(node);
    if (!host) continue;
    // Prometheus evaluates its alerts once a second: asking a monitor node more often only repeats its answer.
    const intervalMs = names.every((name) => name === "alerts") ? Math.max(options.intervalMs, ALERTS_INTERVAL_MS) : options.intervalMs;
    watches.set(node, new NodeWatch(host, names.map((name) => nodeCheck(name, host, options.statSeconds)), { ...options, intervalMs }));
  }
  return watches;
}
