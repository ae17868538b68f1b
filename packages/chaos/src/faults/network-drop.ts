import { z } from "zod";
import { networkRulePlan } from "../network/iptables-plan.ts";
import type { FaultAction } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems, type FaultTarget } from "./fault-kind.ts";
import { addChain, removeChains } from "./iptables-chain.ts";

/** Drop traffic between two groups of nodes (iptables in each node's network namespace). */
const partitionSchema = faultSchema({
  kind: z.literal("partition"),
  groups: z.tuple([z.array(nodeName).min(1, "a side needs at least one node"), z.array(nodeName).min(1, "a side needs at least one node")], {
    errorMap: (issue, context) => (issue.code === "invalid_type" || issue.code === "too_big" || issue.code === "too_small" ? { message: "give exactly two non-empty lists of nodes, e.g. [[lb1], [lb2]]" } : { message: context.defaultError }),
  }),
  direction: z.enum(["both", "first-to-second"]).optional(),
  network: z.string().optional(),
});

/** Cut one node off from every other lab node (and the host). */
const isolateSchema = faultSchema({ kind: z.literal("isolate"), node: nodeName, network: z.string().optional() });

/** Drop a fraction (0 < probability <= 1) of the packets a node receives and sends. */
const packetLossSchema = faultSchema({
  kind: z.literal("packet-loss"),
  node: nodeName,
  probability: z.number().gt(0, "must be > 0 and <= 1 (0.3 drops 30%)").max(1, "must be > 0 and <= 1 (0.3 drops 30%)"),
  network: z.string().optional(),
});

type PartitionSpec = z.output<typeof partitionSchema>;
export type NetworkDropSpec = PartitionSpec | z.output<typeof isolateSchema> | z.output<typeof packetLossSchema>;

export const partitionFault = faultKind({
  schema: partitionSchema,
  describe: (spec) => {
    const [first, second] = spec.groups;
    const oneWay = spec.direction === "first-to-second";
    return `partition [${first.join(", ")}] ${oneWay ? "->" : "|"} [${second.join(", ")}]${oneWay ? " (one way)" : ""}${onNetwork(spec)}`;
  },
  problems: (spec, target) => [...partitionProblems(spec, target), ...networkProblems(spec, target)],
  action: networkDropAction,
});

export const isolateFault = faultKind({
  schema: isolateSchema,
  describe: (spec) => `isolate ${spec.node}${onNetwork(spec)}`,
  problems: (spec, target) => [...nodeProblems("node", spec.node, target), ...networkProblems(spec, target)],
  action: networkDropAction,
});

export const packetLossFault = faultKind({
  schema: packetLossSchema,
  describe: (spec) => `drop ${Number((spec.probability * 100).toFixed(2))}% of the packets of ${spec.node}${onNetwork(spec)}`,
  problems: (spec, target) => [...nodeProblems("node", spec.node, target), ...networkProblems(spec, target)],
  action: networkDropAction,
});

/** A network fault acts on every network of the lab, or on the one it names. */
function onNetwork(spec: NetworkDropSpec): string {
  return spec.network ? ` on network ${spec.network}` : "";
}

function networkProblems(spec: NetworkDropSpec, target: FaultTarget): string[] {
  if (spec.network === undefined) return [];
  const names = target.topology.networks.map((network) => network.name);
  return names.includes(spec.network) ? [] : [`network: lab ${target.topology.name} has no network '${spec.network}' (networks: ${names.join(", ")}); name one of them, or leave it out to cut every network`];
}

function partitionProblems(spec: PartitionSpec, target: FaultTarget): string[] {
  const [first, second] = spec.groups;
  const unknown = spec.groups.flatMap((group, side) => group.flatMap((node, position) => nodeProblems(`groups.${side}.${position}`, node, target)));
  const overlap = first.filter((node) => second.includes(node));
  if (overlap.length) return [...unknown, `groups: ${overlap.join(", ")} on both sides; a node can be on one side only`];
  return [...unknown, ...mayOverlap(first, second, target)];
}

/**
 * A name chosen when the step runs ($vip-holder) on one side and a node it may stand for (lb1) on the
 * other: on the day it resolves to that node, the node would be cut off from itself. Two different
 * references are checked once resolved, when the injector sees the real names.
 */
function mayOverlap(first: string[], second: string[], target: FaultTarget): string[] {
  return first.flatMap((one) =>
    second.flatMap((other) => {
      if (one.startsWith("$") === other.startsWith("$")) return [];
      const [reference, node] = one.startsWith("$") ? [one, other] : [other, one];
      if (!target.nodesNamed(reference).some((candidate) => candidate.name === node)) return [];
      return [`groups: ${reference} may be ${node} when the step runs, and ${node} is on the other side: name the nodes instead, or take ${node} off the other side`];
    }),
  );
}

/** partition, isolate, packet-loss: one chain per fault in each affected node's INPUT. */
function networkDropAction(spec: NetworkDropSpec): FaultAction {
  return {
    async inject(context) {
      await Promise.all(
        networkRulePlan(spec, context.topology).map(({ node, rules }) =>
          // Nothing to filter in a node that is down; if it comes back, its side of the fault is missing.
          addChain(context, node, rules, { stopped: "not running, so it got no rules (the other nodes still enforce their side)", absent: "no such machine, so it got no rules" }),
        ),
      );
    },
    async heal(context) {
      await removeChains(context, networkRulePlan(spec, context.topology).map((entry) => entry.node));
    },
  };
}
