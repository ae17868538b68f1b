import { describeWarmUp, odooAdminCredentials, parseHaproxyCsv, PATHS, waitForOdooHealth, warmOdooNode } from "@odoo-ha-lab/roles";
import { run, waitFor, type Host } from "@odoo-ha-lab/machine";
import { nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import type { FaultContext } from "./fault-action.ts";
import { onRunningNode } from "./on-running-node.ts";

/**
 * An app node in and out of every load balancer, as an operator takes one out before a planned stop
 * and puts one back once its workers are warm (drain-app-node), and as a crashed one is brought back
 * (kill-node, power-cut, stop-node of an app node): kept out until it is warm.
 */

/** The HAProxy backend whose servers are the app nodes' HTTP ports (see the haproxy role's render.ts). */
export const APP_BACKEND = "odoo_http";

/** The nodes the balancers send Odoo's HTTP to (not cron-only ones). */
export function balancedAppNodes(topology: Topology) {
  return topology.nodes.filter((node) => node.roles.includes("odoo") && node.odoo?.http);
}

/** Every balancer stops giving the node new requests (`state drain`); returns once none is in flight there. */
export async function drainOnEveryBalancer(context: FaultContext, node: string): Promise<void> {
  const server = `${APP_BACKEND}/${node}`;
  await onEachBalancer(context, `drain ${server}`, async (host, balancer) => {
    await haproxyCommand(host, `set server ${server} state drain`);
    await waitFor(`the requests in flight on ${node} through ${balancer} to finish`, async () => {
      const inFlight = serverStat(await haproxyCommand(host, "show stat"), APP_BACKEND, node)?.sessions;
      return inFlight === 0 ? { done: true, value: undefined } : { done: false, observation: `${inFlight} in flight` };
    }, { timeoutMs: 30_000, intervalMs: 100 });
  });
}

/**
 * The node's workers serve users' first requests of every kind before users do (see warmOdooNode),
 * then every balancer takes it back (`state ready`); returns once every balancer's health check has
 * it UP: a restarted Odoo answers its port seconds after its process starts, and draining the next
 * node before this one takes requests would leave no server at all (measured: every request 503 for
 * 2.4 s in a rolling restart of real Odoo).
 */
export async function warmAndReturnToBalancers(context: FaultContext, node: string, { startedWithin = 0 } = {}): Promise<void> {
  const host = context.host(node);
  if (startedWithin > 0) await waitForOdooHealth(host, startedWithin).catch(leaveToHealthChecks(context, node));
  const warmed = await warmOdooNode(host, context.topology, context.secrets && odooAdminCredentials(context.secrets));
  context.note(`${node}: ${describeWarmUp(warmed)}${context.secrets ? "" : " (login page only: no credentials)"}`);
  const server = `${APP_BACKEND}/${node}`;
  await onEachBalancer(context, `put ${server} back`, async (balancerHost, balancer) => {
    await haproxyCommand(balancerHost, `set server ${server} state ready`);
    await waitFor(`${balancer}'s health check to have ${node} UP`, async () => {
      const status = serverStat(await haproxyCommand(balancerHost, "show stat"), APP_BACKEND, node)?.status;
      return status === "UP" ? { done: true, value: undefined } : { done: false, observation: `status ${status ?? "not listed"}` };
    }, { timeoutMs: 120_000, intervalMs: 100 });
  });
}

/**
 * For a node that could not be brought back: every balancer takes it again as its health checks
 * say (`state ready`), so that a failed heal never leaves a node out of the balancers for good; the
 * error goes on.
 */
export function leaveToHealthChecks(context: FaultContext, node: string): (error: unknown) => Promise<never> {
  return async (error) => {
    await onEachBalancer(context, `put ${APP_BACKEND}/${node} back`, (host) => haproxyCommand(host, `set server ${APP_BACKEND}/${node} state ready`).then(() => undefined));
    throw error;
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
