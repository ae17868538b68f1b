import { z } from "zod";
import { ingressPolicerRules } from "../network/iptables-plan.ts";
import { egressBandwidthScript } from "../network/tc-scripts.ts";
import type { FaultAction } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems } from "./fault-kind.ts";
import { runScript } from "./host-script.ts";
import { addChain, removeChains } from "./iptables-chain.ts";
import { onRunningNode } from "./on-running-node.ts";
import { removeShaping } from "./remove-shaping.ts";

/** Throttle a node's link (tc tbf on what it sends, an iptables hashlimit policer on what it receives), e.g. to make a replica lag. Default: both. */
const bandwidthSchema = faultSchema({
  kind: z.literal("bandwidth"),
  node: nodeName,
  rateKbit: z.number().int("a whole number of kbit/s").min(1).max(10_000_000),
  direction: z.enum(["both", "egress", "ingress"]).optional(),
});
type BandwidthSpec = z.output<typeof bandwidthSchema>;

export const bandwidthFault = faultKind({
  schema: bandwidthSchema,
  describe: (spec) => `throttle ${spec.node} to ${spec.rateKbit} kbit/s (${spec.direction ?? "both"})`,
  problems: (spec, target) => nodeProblems("node", spec.node, target),
  action: bandwidthAction,
});

/** bandwidth: tbf on the node's lab interface for what it sends, an iptables policer for what it receives. */
function bandwidthAction(spec: BandwidthSpec): FaultAction {
  const direction = spec.direction ?? "both";
  return {
    async inject(context) {
      if (direction !== "ingress") {
        const purpose = `throttling what it sends to ${spec.rateKbit} kbit/s`;
        await onRunningNode(context, spec.node, purpose, async (host) => {
          await runScript(host, purpose, egressBandwidthScript(host.interfaceName, spec.rateKbit));
        });
      }
      if (direction !== "egress") await addChain(context, spec.node, ingressPolicerRules(context.id, spec.rateKbit));
    },
    async heal(context) {
      // Both halves, whatever the direction: heal also undoes what a half-done inject left.
      const results = await Promise.allSettled([removeShaping(context, spec.node), removeChains(context, [spec.node])]);
      const failures = results.flatMap((result) => (result.status === "rejected" ? [(result.reason as Error).message] : []));
      if (failures.length) throw new Error(failures.join("\n"));
    },
  };
}
