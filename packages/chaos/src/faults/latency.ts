import { addressesReachableFrom, findNode } from "@odoo-ha-lab/topology";
import { z } from "zod";
import { DELAY_PROGRAM_PATH, START_DELAY, STOP_DELAY, delayLogPath, delayPattern, delayProgram, delayQueueNumber, delayRules, delayTag } from "../latency/nfqueue-delay.ts";
import { EXIT_UNSUPPORTED, latencyScript } from "../network/tc-scripts.ts";
import { UnsupportedFaultError } from "@odoo-ha-lab/machine";
import type { FaultAction, FaultContext } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems, type FaultTarget } from "./fault-kind.ts";
import { HostScriptError, runScript } from "./host-script.ts";
import { addChain, removeChains } from "./iptables-chain.ts";
import { GONE_WITH_THE_NODE, onRunningNode } from "./on-running-node.ts";
import { removeShaping } from "./remove-shaping.ts";

/** Delay what a node sends to some peers (tc netem; where the kernel has none, the lab's NFQUEUE program). */
const latencySchema = faultSchema({
  kind: z.literal("latency"),
  node: nodeName,
  peers: z.array(nodeName).min(1, "name at least one node whose traffic is delayed"),
  delayMs: z.number().int("a whole number of milliseconds").min(1).max(60_000),
});
type LatencySpec = z.output<typeof latencySchema>;

export const latencyFault = faultKind({
  schema: latencySchema,
  describe: (spec) => `delay traffic from ${spec.node} to [${spec.peers.join(", ")}] by ${spec.delayMs} ms`,
  problems: (spec, target) => [...nodeProblems("node", spec.node, target), ...peerProblems(spec, target)],
  action: latencyAction,
});

function peerProblems(spec: LatencySpec, target: FaultTarget): string[] {
  return spec.peers.flatMap((peer, index) => (peer === spec.node ? [`peers.${index}: ${peer} is the node itself`] : nodeProblems(`peers.${index}`, peer, target)));
}

/**
 * latency: tc netem where the kernel has it; else the lab's own NFQUEUE delay program. Either way
 * what the node sends to the peers waits `delayMs`, so a round trip to them grows by that much.
 */
function latencyAction(spec: LatencySpec): FaultAction {
  return {
    async inject(context) {
      const purpose = `delaying traffic by ${spec.delayMs} ms`;
      // Each peer at every address the node reaches it on (one per network they share).
      const node = findNode(context.topology, spec.node);
      const peers = spec.peers.flatMap((peer) => addressesReachableFrom(findNode(context.topology, peer), node));
      await onRunningNode(context, spec.node, purpose, async (host) => {
        try {
          await runScript(host, purpose, latencyScript(host.interfaceName, spec.delayMs, peers));
          context.note(`${spec.node}: tc netem delays what it sends to ${peers.join(", ")}`);
          return;
        } catch (error) {
          if (!(error instanceof HostScriptError && error.result.exitCode === EXIT_UNSUPPORTED)) throw error;
        }
        const queue = delayQueueNumber(context.id);
        try {
          await host.writeFile({ path: DELAY_PROGRAM_PATH, content: delayProgram(), mode: 0o755 });
          await runScript(host, "starting the NFQUEUE delay program", START_DELAY, [String(queue), String(spec.delayMs)], { env: { TAG: delayTag(context.id), LOG: delayLogPath(context.id) } });
        } catch (error) {
          throw new UnsupportedFaultError(
            `latency is not supported on ${spec.node}: its kernel has no sch_netem, and the lab's NFQUEUE delay program could not start either ` +
              `(it needs python3 and the nfnetlink_queue module): ${(error as Error).message}`,
          );
        }
        await addChain(context, spec.node, delayRules(context.id, peers), undefined, "OUTPUT");
        context.note(`${spec.node}: no sch_netem, so the lab's NFQUEUE program (queue ${queue}) delays what it sends to ${peers.join(", ")}`);
      });
    },
    async heal(context) {
      // Unhook first, then stop the program: it releases what it still holds, nothing is lost.
      const failures: string[] = [];
      const attempt = (step: Promise<void>) => step.catch((error: Error) => void failures.push(error.message));
      await attempt(removeChains(context, [spec.node]));
      await Promise.all([attempt(removeShaping(context, spec.node)), attempt(stopDelayProgram(context, spec.node))]);
      if (failures.length) throw new Error(failures.join("\n"));
    },
  };
}

function stopDelayProgram(context: FaultContext, node: string): Promise<void> {
  const purpose = "stopping the NFQUEUE delay program";
  return onRunningNode(context, node, purpose, async (host) => {
    await runScript(host, purpose, STOP_DELAY, [delayPattern(context.id)], { env: { LOG: delayLogPath(context.id) } });
  }, GONE_WITH_THE_NODE("its delay program"));
}
