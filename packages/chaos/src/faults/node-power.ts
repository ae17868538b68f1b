import { waitFor, type NodePowerState } from "@odoo-ha-lab/machine";
import { z } from "zod";
import type { FaultAction, FaultContext } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems } from "./fault-kind.ts";

/** Power off (SIGKILL), cut the power (closing nothing), shut down, or freeze a whole machine. */
const nodePowerSchema = faultSchema({ kind: z.enum(["kill-node", "power-cut", "stop-node", "pause-node"]), node: nodeName });
type NodePowerSpec = z.output<typeof nodePowerSchema>;

const VERB = { "kill-node": "kill", "power-cut": "cut the power of", "stop-node": "stop", "pause-node": "pause" } as const;

export const nodePowerFault = faultKind({
  schema: nodePowerSchema,
  describe: (spec) => `${VERB[spec.kind]} node ${spec.node}`,
  problems: (spec, target) => nodeProblems("node", spec.node, target),
  action: nodePowerAction,
});

/** kill-node, power-cut, stop-node, pause-node: through the target's NodeControl; inject returns once the state shows it. */
function nodePowerAction(spec: NodePowerSpec): FaultAction {
  const node = spec.node;
  return {
    async inject(context) {
      if (spec.kind === "power-cut") await context.nodes.powerCut(node);
      else if (spec.kind === "kill-node") await context.nodes.kill(node);
      else if (spec.kind === "stop-node") await context.nodes.stop(node);
      else await context.nodes.pause(node);
      await waitForState(context, node, spec.kind === "pause-node" ? "paused" : "stopped");
    },
    async heal(context) {
      const state = await context.nodes.state(node);
      if (state === "absent") return context.note(`${node} is absent: nothing to ${spec.kind === "pause-node" ? "unpause" : "start"}`);
      if (spec.kind === "pause-node") {
        if (state === "paused") await context.nodes.unpause(node);
        else if (state === "stopped") return context.note(`${node} is stopped, not paused: nothing to unpause (a kill or stop fault owns that)`);
      } else if (state === "stopped") {
        await context.nodes.start(node);
      }
      await waitForState(context, node, spec.kind === "pause-node" ? "running" : ["running", "paused"]);
    },
  };
}

async function waitForState(context: FaultContext, node: string, wanted: NodePowerState | NodePowerState[]): Promise<void> {
  const accepted = Array.isArray(wanted) ? wanted : [wanted];
  await waitFor(`${node} to be ${accepted.join(" or ")}`, async () => {
    const state = await context.nodes.state(node);
    return accepted.includes(state) ? { done: true, value: undefined } : { done: false, observation: state };
  }, { timeoutMs: 30_000, intervalMs: 100 });
}
