import { describeWarmUp, odooAdminCredentials, parseHaproxyCsv, PATHS, warmOdooNode, type HaproxyServerStat } from "@odoo-ha-lab/roles";
import { run, waitFor, type Host } from "@odoo-ha-lab/machine";
import { nodesWithRole } from "@odoo-ha-lab/topology";
import type { FaultContext } from "./fault-action.ts";
import { onRunningNode } from "./on-running-node.ts";

/**
 * An app node in and out of every load balancer, as an operator takes one out before a planned stop
 * and puts one back once its workers are warm (drain-app-node), and as a crashed one is brought back
 * (kill-node, power-cut, stop-node of an app node): kept out until it is warm.
 */

/** The HAProxy backend whose servers are the app nodes' HTTP ports (see the haproxy role's render.ts). */
const APP_BACKEND = "odoo_http";

/** Every balancer stops giving the node new requests (`state drain`); returns once none is in flight there. */
export async function drainOnEveryBalancer(context: FaultContext, node: string): Promise<void> {
  await setStateOnEveryBalancer(context, node, "drain", (stat) => (stat?.sessions === 0 ? undefined : `${stat?.sessions} in flight`));
}

/**
 * Every balancer takes the node again (`state ready`); returns once every balancer's health check has
 * it UP: a restarted Odoo answers its port seconds after its process starts, and draining the next
 * node before this one takes requests would leave no server at all (measured: every request 503 for
 * 2.4 s in a rolling restart of real Odoo).
 */
async function returnToEveryBalancer(context: FaultContext, node: string): Promise<void> {
  await setStateOnEveryBalancer(context, node, "ready", (stat) => (stat?.status === "UP" ? undefined : `status ${stat?.status ?? "not listed"}`));
}

/** Every balancer takes the node again as its health checks say (`state ready`), without waiting: for a node that did not come back. */
export async function leaveToHealthChecks(context: FaultContext, node: string): Promise<void> {
  await setStateOnEveryBalancer(context, node, "ready", () => undefined);
}

/** The node's workers serve users' first requests of every kind before users do (see warmOdooNode), then every balancer takes it back. */
export async function warmAndReturnToBalancers(context: FaultContext, node: string): Promise<void> {
  const warmed = await warmOdooNode(context.host(node), context.topology, context.secrets && odooAdminCredentials(context.secrets));
  context.note(`${node}: ${describeWarmUp(warmed)}${context.secrets ? "" : " (login page only: no credentials)"}`);
  await returnToEveryBalancer(context, node);
}

/**
 * `set server odoo_http/<node> state <state>` on every running balancer, then until `pending` finds
 * nothing left to wait for in the server's `show stat` line (what it waits for, or undefined when done).
 */
async function setStateOnEveryBalancer(context: FaultContext, node: string, state: "drain" | "ready", pending: (stat: HaproxyServerStat | undefined) => string | undefined): Promise<void> {
  const server = `${APP_BACKEND}/${node}`;
  await onEachBalancer(context, `set ${server} ${state}`, async (host, balancer) => {
    await haproxyCommand(host, `set server ${server} state ${state}`);
    await waitFor(`${balancer} to have ${server} ${state === "drain" ? "drained" : "UP"}`, async () => {
      const waitingFor = pending(serverStat(await haproxyCommand(host, "show stat"), APP_BACKEND, node));
      return waitingFor === undefined ? { done: true, value: undefined } : { done: false, observation: waitingFor };
    }, { timeoutMs: state === "drain" ? 30_000 : 120_000, intervalMs: 100 });
  });
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
function serverStat(showStat: string, backend: string, server: string): HaproxyServerStat | undefined {
  return parseHaproxyCsv(showStat).find((row) => row.backend === backend && row.server === server);
}
