import { describeWarmUp, odooAdminCredentials, parseHaproxyCsv, PATHS, warmOdooNode } from "@odoo-ha-lab/roles";
import { run, waitFor, type Host } from "@odoo-ha-lab/machine";
import { nodesWithRole } from "@odoo-ha-lab/topology";
import { z } from "zod";
import type { FaultAction, FaultContext } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems, type FaultTarget } from "./fault-kind.ts";
import { onRunningNode } from "./on-running-node.ts";

/** Take an app node out of every load balancer, once its requests in flight are done (before a planned stop). */
const drainSchema = faultSchema({ kind: z.literal("drain-app-node"), node: nodeName });
type DrainSpec = z.output<typeof drainSchema>;

export const drainAppNodeFault = faultKind({
  schema: drainSchema,
  describe: (spec) => `drain ${spec.node} in the load balancers`,
  problems: (spec, target) => [...nodeProblems("node", spec.node, target), ...balancedProblems(spec, target)],
  action: drainAppNodeAction,
});

/** The balancers' servers are the nodes that serve Odoo's HTTP (not cron-only ones). */
function balancedProblems(spec: DrainSpec, target: FaultTarget): string[] {
  const webNodes = target.topology.nodes.filter((node) => node.roles.includes("odoo") && node.odoo?.http);
  const outside = target.nodesNamed(spec.node).filter((node) => !webNodes.includes(node));
  return outside.map((node) => `node: ${node.name} is not behind the load balancers; drain one of ${webNodes.map((web) => web.name).join(", ")}`);
}

/** The HAProxy backend whose servers are the app nodes' HTTP ports (see the haproxy role's render.ts). */
const APP_BACKEND = "odoo_http";

/**
 * drain-app-node: what an operator does before a planned restart. Every load balancer stops giving
 * the node new requests (HAProxy `set server ... state drain`), and the inject returns once no
 * request is in flight there, so stopping the node afterwards fails nobody. Heal puts it back
 * (`state ready`) and returns once every balancer's health check has the node UP again: a restarted
 * Odoo answers its port seconds after its process starts, and draining the next node before this one
 * takes requests would leave no server at all (measured: every request 503 for 2.4 s in a rolling
 * restart of real Odoo). Journaled like a fault, so a run that stops half-way never leaves a node out of
 * the balancers. Without it, a request that reaches a stopping node is reset, and HAProxy cannot
 * safely re-send a POST that may have run (see the odoo_http backend).
 */
function drainAppNodeAction(spec: DrainSpec): FaultAction {
  const server = `${APP_BACKEND}/${spec.node}`;
  return {
    async inject(context) {
      await onEachBalancer(context, `drain ${server}`, async (host, balancer) => {
        await haproxyCommand(host, `set server ${server} state drain`);
        await waitFor(`the requests in flight on ${spec.node} through ${balancer} to finish`, async () => {
          const inFlight = serverStat(await haproxyCommand(host, "show stat"), APP_BACKEND, spec.node)?.sessions;
          return inFlight === 0 ? { done: true, value: undefined } : { done: false, observation: `${inFlight} in flight` };
        }, { timeoutMs: 30_000, intervalMs: 100 });
      });
    },
    async heal(context) {
      // Its workers serve users' first requests of every kind before users do (see warmOdooNode).
      const warmed = await warmOdooNode(context.host(spec.node), context.topology, context.secrets && odooAdminCredentials(context.secrets));
      context.note(`${spec.node}: ${describeWarmUp(warmed)}${context.secrets ? "" : " (login page only: no credentials)"}`);
      await onEachBalancer(context, `put ${server} back`, async (host, balancer) => {
        await haproxyCommand(host, `set server ${server} state ready`);
        await waitFor(`${balancer}'s health check to have ${spec.node} UP`, async () => {
          const status = serverStat(await haproxyCommand(host, "show stat"), APP_BACKEND, spec.node)?.status;
          return status === "UP" ? { done: true, value: undefined } : { done: false, observation: `status ${status ?? "not listed"}` };
        }, { timeoutMs: 120_000, intervalMs: 100 });
      });
    },
  };
}

/** A balancer that is down holds no state to change (HAProxy starts with every server ready). */
async function onEachBalancer(context: FaultContext, purpose: string, act: (host: Host, balancer: string) => Promise<void>): Promise<void> {
  for (const balancer of nodesWithRole(context.topology, "haproxy")) {
    await onRunningNode(context, balancer.name, purpose, (host) => act(host, balancer.name), {
      stopped: "its HAProxy starts with every server ready",
      absent: "its HAProxy starts with every server ready",
    });
  }
}

/** One command on HAProxy's admin socket; its answer. */
async function haproxyCommand(host: Host, command: string): Promise<string> {
  const script = [
    "import socket, sys",
    "with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as admin:",
    "    admin.settimeout(5)",
    "    admin.connect(sys.argv[1])",
    '    admin.sendall(sys.argv[2].encode() + b"\\n")',
    '    answer = b""',
    "    while chunk := admin.recv(65536):",
    "        answer += chunk",
    "print(answer.decode(), end='')",
  ].join("\n");
  const answer = await run(host, ["python3", "-c", script, PATHS.haproxyAdminSocket, command], { timeoutMs: 10_000 });
  // `set server` answers nothing when it worked, and a sentence when it did not.
  if (command.startsWith("set ") && answer.trim() !== "") throw new Error(`on ${host.node}: HAProxy refused '${command}': ${answer.trim()}`);
  return answer;
}

/** One server's line of `show stat`; undefined if it is not listed. */
function serverStat(showStat: string, backend: string, server: string) {
  return parseHaproxyCsv(showStat).find((row) => row.backend === backend && row.server === server);
}
