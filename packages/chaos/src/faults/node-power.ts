import { waitFor, type NodePowerState } from "@odoo-ha-lab/machine";
import { z } from "zod";
import type { FaultAction, FaultContext } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems } from "./fault-kind.ts";
import { waitForOdooHealth } from "@odoo-ha-lab/roles";
import { webAppNodes } from "@odoo-ha-lab/topology";
import { drainOnEveryBalancer, leaveToHealthChecks, warmAndReturnToBalancers } from "./app-node-balancing.ts";

/** How long a restarted app node's Odoo may take to answer its health check (start, registry, workers). */
const ODOO_START_MS = 120_000;

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
        // An app node behind the balancers comes back cold: each worker's first request of each kind
        // took 1–3 s (its caches, its first password check), and once its health check passed, the
        // balancers' share of users' requests timed out on it 12–16 s after the restart (lose-odoo1,
        // docs/benchmarks.md). So it is kept out of the balancers until its workers are warm, as an
        // operator (or a readiness check) brings a crashed node back.
        if (!webAppNodes(context.topology).some((candidate) => candidate.name === node)) {
          await context.nodes.start(node);
          return waitForState(context, node, ["running", "paused"]);
        }
        await drainOnEveryBalancer(context, node);
        try {
          await context.nodes.start(node);
          await waitForState(context, node, ["running", "paused"]);
          await waitForOdooHealth(context.host(node), ODOO_START_MS);
        } catch (error) {
          // A node that did not come back is left to the balancers' health checks, never drained for good.
          await leaveToHealthChecks(context, node);
          throw error;
        }
        return warmAndReturnToBalancers(context, node);
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
