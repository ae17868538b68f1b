import { chaosChainName } from "../network/iptables-plan.ts";
import { installChainScript, iptablesHint, removeChainScript, type ChainHook } from "../network/iptables-scripts.ts";
import type { FaultContext } from "./fault-action.ts";
import { runScript } from "./host-script.ts";
import { GONE_WITH_THE_NODE, onRunningNode, type WhenNotRunning } from "./on-running-node.ts";

/** Installs the fault's chain with `rules` on a node, hooked into INPUT (or OUTPUT). */
export function addChain(context: FaultContext, node: string, rules: string[][], whenNot?: WhenNotRunning, hook: ChainHook = "INPUT"): Promise<void> {
  const chain = chaosChainName(context.id);
  const purpose = `adding iptables chain ${chain}`;
  return onRunningNode(context, node, purpose, async (host) => {
    await runScript(host, purpose, installChainScript(chain, rules, hook), [], { hint: iptablesHint });
  }, whenNot);
}

/** Removes the fault's chain from every node, trying all of them even when one fails; then reports what failed. */
export async function removeChains(context: FaultContext, nodes: string[]): Promise<void> {
  const chain = chaosChainName(context.id);
  const purpose = `removing iptables chain ${chain}`;
  const failures: string[] = [];
  await Promise.all(
    nodes.map((node) =>
      onRunningNode(context, node, purpose, async (host) => {
        await runScript(host, purpose, removeChainScript(chain), [], { hint: iptablesHint });
      }, GONE_WITH_THE_NODE("its rules")).catch((error: Error) => void failures.push(error.message)),
    ),
  );
  if (failures.length) throw new Error(failures.join("\n"));
}
