import { removeShapingScript } from "../network/tc-scripts.ts";
import type { FaultContext } from "./fault-action.ts";
import { runScript } from "./host-script.ts";
import { GONE_WITH_THE_NODE, onRunningNode } from "./on-running-node.ts";

/** Removes the chaos root qdisc of a node (bandwidth and netem latency share it); idempotent. */
export function removeShaping(context: FaultContext, node: string): Promise<void> {
  const purpose = "removing the chaos qdiscs";
  return onRunningNode(context, node, purpose, async (host) => {
    await runScript(host, purpose, removeShapingScript(host.interfaceName));
  }, GONE_WITH_THE_NODE("its qdiscs"));
}
