import type { FaultSpec } from "../fault-spec.ts";
import { ingressPolicerRules } from "../network/iptables-plan.ts";
import { egressBandwidthScript } from "../network/tc-scripts.ts";
import type { FaultAction } from "./fault-action.ts";
import { runScript } from "./host-script.ts";
import { addChain, removeChains } from "./iptables-chain.ts";
import { onRunningNode } from "./on-running-node.ts";
import { removeShaping } from "./remove-shaping.ts";

type BandwidthSpec = Extract<FaultSpec, { kind: "bandwidth" }>;

/** bandwidth: tbf on the node's lab interface for what it sends, an iptables policer for what it receives. */
export function bandwidthAction(spec: BandwidthSpec): FaultAction {
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
