import { networkRulePlan, type NetworkDropSpec } from "../network/iptables-plan.ts";
import type { FaultAction } from "./fault-action.ts";
import { addChain, removeChains } from "./iptables-chain.ts";

/** partition, isolate, packet-loss: one chain per fault in each affected node's INPUT. */
export function networkDropAction(spec: NetworkDropSpec): FaultAction {
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
