import type { Topology } from "@odoo-ha-lab/topology";
import type { FaultSpec } from "./fault-spec.ts";

/**
 * Checks a spec against the lab before anything is touched: every problem is listed with the field
 * and the fix, as the topology validator does.
 */
export class FaultSpecError extends Error {
  constructor(
    readonly spec: FaultSpec,
    readonly problems: string[],
  ) {
    super(`invalid fault ${JSON.stringify(spec)}:\n  - ${problems.join("\n  - ")}`);
    this.name = "FaultSpecError";
  }
}

export function validateFaultSpec(spec: FaultSpec, topology: Topology): void {
  const problems: string[] = [];
  const known = new Set(topology.nodes.map((node) => node.name));
  const nodeNames = `nodes of lab ${topology.name}: ${[...known].join(", ")}`;
  const checkNode = (field: string, node: unknown) => {
    if (typeof node !== "string" || !known.has(node)) problems.push(`${field}: no node named '${String(node)}' (${nodeNames})`);
  };
  const checkPositive = (field: string, value: unknown, optional: boolean) => {
    if (value === undefined && optional) return;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) problems.push(`${field}: ${String(value)} must be a number > 0`);
  };

  switch (spec.kind) {
    case "kill-node":
    case "stop-node":
    case "pause-node":
    case "isolate":
      checkNode("node", spec.node);
      break;
    case "stop-service":
    case "kill-service":
      checkNode("node", spec.node);
      if (typeof spec.service !== "string" || !/^[A-Za-z0-9_.@-]+$/.test(spec.service)) problems.push(`service: '${String(spec.service)}' is not a service name (e.g. patroni, haproxy, glusterd)`);
      break;
    case "partition": {
      const groups = Array.isArray(spec.groups) ? spec.groups : [];
      if (groups.length !== 2 || groups.some((group) => !Array.isArray(group) || group.length === 0)) {
        problems.push("groups: give exactly two non-empty lists of nodes, e.g. [[lb1], [lb2]]");
        break;
      }
      groups.forEach((group, index) => group.forEach((node, position) => checkNode(`groups[${index}][${position}]`, node)));
      const overlap = groups[0]!.filter((node) => groups[1]!.includes(node));
      if (overlap.length) problems.push(`groups: ${overlap.join(", ")} on both sides; a node can be on one side only`);
      if (spec.direction !== undefined && spec.direction !== "both" && spec.direction !== "first-to-second") problems.push(`direction: '${String(spec.direction)}' must be both or first-to-second`);
      break;
    }
    case "packet-loss":
      checkNode("node", spec.node);
      if (typeof spec.probability !== "number" || !(spec.probability > 0 && spec.probability <= 1)) problems.push(`probability: ${String(spec.probability)} must be > 0 and <= 1 (0.3 drops 30%)`);
      break;
    case "latency":
      checkNode("node", spec.node);
      if (!Array.isArray(spec.peers) || spec.peers.length === 0) problems.push("peers: name at least one node whose traffic is delayed");
      else spec.peers.forEach((peer, index) => (peer === spec.node ? problems.push(`peers[${index}]: ${peer} is the node itself`) : checkNode(`peers[${index}]`, peer)));
      checkPositive("delayMs", spec.delayMs, false);
      break;
    case "bandwidth":
      checkNode("node", spec.node);
      checkPositive("rateKbit", spec.rateKbit, false);
      if (spec.direction !== undefined && !["both", "egress", "ingress"].includes(spec.direction)) problems.push(`direction: '${String(spec.direction)}' must be both, egress or ingress`);
      break;
    case "fill-disk":
      checkNode("node", spec.node);
      if (typeof spec.path !== "string" || !spec.path.startsWith("/")) problems.push(`path: '${String(spec.path)}' must be an absolute directory path on the node`);
      if (spec.leaveFreeMiB !== undefined && (typeof spec.leaveFreeMiB !== "number" || spec.leaveFreeMiB < 0)) problems.push(`leaveFreeMiB: ${String(spec.leaveFreeMiB)} must be a number >= 0`);
      break;
    case "drain-app-node": {
      checkNode("node", spec.node);
      // The balancers' servers: the nodes that serve Odoo's HTTP (not cron-only ones).
      const webNodes = topology.nodes.filter((node) => node.roles.includes("odoo") && node.odoo?.http).map((node) => node.name);
      if (known.has(spec.node) && !webNodes.includes(spec.node)) problems.push(`node: ${spec.node} is not behind the load balancers; drain one of ${webNodes.join(", ")}`);
      break;
    }
    case "cpu-hog":
      checkNode("node", spec.node);
      if (spec.workers !== undefined && (!Number.isInteger(spec.workers) || spec.workers < 1 || spec.workers > 64)) problems.push(`workers: ${String(spec.workers)} must be an integer from 1 to 64`);
      if (spec.seconds !== undefined && (!Number.isInteger(spec.seconds) || spec.seconds < 1)) problems.push(`seconds: ${String(spec.seconds)} must be a whole number of seconds >= 1`);
      break;
    default:
      problems.push(
        `kind: '${String((spec as { kind: unknown }).kind)}' is not a fault kind (kill-node, stop-node, pause-node, stop-service, kill-service, partition, isolate, packet-loss, latency, bandwidth, fill-disk, cpu-hog)`,
      );
  }
  if (problems.length) throw new FaultSpecError(spec, problems);
}
