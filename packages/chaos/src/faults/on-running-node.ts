import type { Host } from "@odoo-ha-lab/machine";
import type { FaultContext } from "./fault-action.ts";

/** Why it is fine to skip a node that is not running; a missing reason makes that state an error. */
export interface WhenNotRunning {
  stopped?: string;
  absent?: string;
}

/**
 * Commands need a running node. A paused one cannot run anything (and still holds whatever a fault
 * left in it), so that is always an error the operator can fix. A stopped or absent node lost its
 * kernel state (iptables, qdiscs, processes), which for many heals means there is nothing to undo.
 */
export async function onRunningNode(context: FaultContext, node: string, purpose: string, act: (host: Host) => Promise<void>, whenNot: WhenNotRunning = {}): Promise<void> {
  const state = await context.nodes.state(node);
  if (state === "running") return act(context.host(node));
  if (state === "paused") {
    throw new Error(`cannot do ${purpose} on ${node}: the node is paused. Unpause it first (heal its pause-node fault), then retry.`);
  }
  const reason = whenNot[state];
  if (reason === undefined) throw new Error(`cannot do ${purpose} on ${node}: the node is ${state}. Start it first, then retry.`);
  context.note(`${node} is ${state}: ${reason}`);
}

/** For state that lives in the kernel or in processes: a node that went down took it along. */
export const GONE_WITH_THE_NODE = (what: string): WhenNotRunning => ({ stopped: `${what} went away with it`, absent: `${what} went away with it` });
