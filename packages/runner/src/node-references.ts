import type { LabStatus } from "@odoo-ha-lab/roles";
import { nodesWithRole, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import { currentPrimary } from "./conditions.ts";

/**
 * Names a scenario may use for a node chosen when the step runs: whichever node leads, replicates,
 * holds the VIP or stands by for it at that moment.
 */
export const NODE_REFERENCES = ["$primary", "$replica", "$vip-holder", "$vip-standby"] as const;
export type NodeReference = (typeof NODE_REFERENCES)[number];

const isReference = (name: string): name is NodeReference => (NODE_REFERENCES as readonly string[]).includes(name);

/** `$primary`, `$replica`, `$vip-holder`, `$vip-standby` → node names, from the live status. */
export function resolveNodeReference(reference: string, status: LabStatus, vipCandidates: string[]): string {
  if (!reference.startsWith("$")) return reference;
  const primary = currentPrimary(status);
  const resolved = {
    $primary: primary,
    $replica: status.patroni.find((member) => member.name !== primary)?.name,
    "$vip-holder": status.vip.holders[0],
    "$vip-standby": vipCandidates.find((candidate) => !status.vip.holders.includes(candidate)),
  }[reference];
  if (!resolved) throw new Error(`cannot resolve ${reference} in the lab's current state (leader: ${primary ?? "none"}, VIP holders: [${status.vip.holders.join(", ")}])`);
  return resolved;
}

/** Before a run: every node a name may stand for (a reference, any node that can take that part). */
export function nodesANameMayStandFor(name: string, topology: Topology): TopologyNode[] {
  if (!isReference(name)) return topology.nodes.filter((node) => node.name === name);
  if (name === "$primary" || name === "$replica") return nodesWithRole(topology, "postgresql");
  return topology.nodes.filter((node) => topology.vip.holders.includes(node.name));
}
