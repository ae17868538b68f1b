import { PATHS, PATRONI_REST_USER, PORTS } from "@odoo-ha-lab/roles";
import { waitFor } from "@odoo-ha-lab/machine";
import { z } from "zod";
import type { FaultAction } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems, type FaultTarget } from "./fault-kind.ts";
import { runScript } from "./host-script.ts";
import { onRunningNode } from "./on-running-node.ts";

/**
 * The database faults Patroni handles without waiting out its ttl: PostgreSQL dying under a Patroni
 * that lives on (it restarts PostgreSQL, or fails over, within a loop), and a switchover (the leader
 * demotes itself and releases its key at once). What each costs is their scenarios' to measure.
 */

const crashSchema = faultSchema({ kind: z.literal("crash-postgres"), node: nodeName });
type CrashSpec = z.output<typeof crashSchema>;

export const crashPostgresFault = faultKind({
  schema: crashSchema,
  describe: (spec) => `SIGKILL PostgreSQL's postmaster on ${spec.node} (Patroni lives on)`,
  problems: (spec, target) => [...nodeProblems("node", spec.node, target), ...postgresNodeProblems(spec.node, target)],
  action: crashAction,
});

const switchoverSchema = faultSchema({ kind: z.literal("switchover"), node: nodeName, candidate: nodeName.optional() });
type SwitchoverSpec = z.output<typeof switchoverSchema>;

export const switchoverFault = faultKind({
  schema: switchoverSchema,
  describe: (spec) => `switch the Patroni leader ${spec.node} over to ${spec.candidate ?? "a healthy replica"}`,
  problems: (spec, target) => [
    ...nodeProblems("node", spec.node, target),
    ...postgresNodeProblems(spec.node, target),
    ...(spec.candidate ? [...nodeProblems("candidate", spec.candidate, target), ...postgresNodeProblems(spec.candidate, target, "candidate")] : []),
  ],
  action: switchoverAction,
});

function postgresNodeProblems(name: string, target: FaultTarget, field = "node"): string[] {
  return target.nodesNamed(name).flatMap((node) => (node.roles.includes("postgresql") ? [] : [`${field}: ${node.name} runs no PostgreSQL (roles: ${node.roles.join(", ")})`]));
}

// The postmaster's pid is the first line of postmaster.pid; SIGKILL it and nothing else, as the
// kernel's OOM killer would, then say when (epoch ms, just after the kill). $1: the data directory.
const KILL_POSTMASTER = `pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null) || { echo "no postmaster.pid in $1: PostgreSQL is not running" >&2; exit 3; }
kill -KILL "$pid"
echo "$pid $(date +%s%3N)"`;

/**
 * The node's own Patroni on its PostgreSQL (GET /patroni asks the server itself): "running" once it is
 * up again. Not /cluster, whose member states come from the DCS and still say "running" until the
 * member's next loop writes its key.
 */
const MEMBER_STATE = ["curl", "-sf", "--max-time", "2", `http://127.0.0.1:${PORTS.patroniRest}/patroni`];

function crashAction(spec: CrashSpec): FaultAction {
  return {
    async inject(context) {
      await onRunningNode(context, spec.node, "killing PostgreSQL's postmaster", async (host) => {
        const [pid, killedAt] = (await runScript(host, "killing PostgreSQL's postmaster", KILL_POSTMASTER, [PATHS.postgresDataDir])).trim().split(" ");
        // (the exec that reached the node took 0.2-0.5 s of the injection here, before the kill)
        if (Number.isFinite(Number(killedAt))) context.landed(Number(killedAt));
        context.note(`${spec.node}: postmaster ${pid} killed; Patroni is left to restart it or fail over`);
      });
    },
    // Nothing to undo: the heal waits for Patroni to have PostgreSQL running again (as primary or replica).
    async heal(context) {
      await onRunningNode(context, spec.node, "waiting for Patroni to run PostgreSQL again", async (host) => {
        await waitFor(`Patroni on ${spec.node} to run PostgreSQL again`, async () => {
          const result = await host.exec(MEMBER_STATE, { timeoutMs: 5_000 });
          const state = result.exitCode === 0 ? ((JSON.parse(result.stdout) as { state?: string }).state ?? "?") : `REST API: curl exit ${result.exitCode}`;
          return state === "running" ? { done: true, value: undefined } : { done: false, observation: state };
        }, { timeoutMs: 120_000, intervalMs: 500 });
      }, { stopped: "PostgreSQL starts with the node when it boots", absent: "nothing to wait for" });
    },
  };
}

/**
 * What `patronictl switchover` sends, sent by curl on the leader itself (POST /switchover): the
 * instant printed just before it is when the leader was asked. patronictl would first start a Python
 * that imports Patroni (0.5-1.5 s here), time the fault would have counted although nothing had
 * happened to the lab yet. Patroni answers once the switchover is done (200), or refuses it (412: the
 * node does not lead, the candidate cannot take over). $1: the JSON body; the password comes in the
 * environment, not on a command line. Prints the answer, then the instant.
 */
const SWITCHOVER = `at=$(date +%s%3N)
reply=$(curl -sS --max-time 60 -w '\n%{http_code}' -u "${PATRONI_REST_USER}:$PATRONI_REST_PASSWORD" -X POST -H 'Content-Type: application/json' -d "$1" http://127.0.0.1:${PORTS.patroniRest}/switchover) || { echo "Patroni's REST API did not answer (curl exit $?)" >&2; exit 3; }
code=$(printf '%s\\n' "$reply" | tail -n 1); answer=$(printf '%s\\n' "$reply" | sed '$d')
[ "$code" = 200 ] || { echo "Patroni refused the switchover (HTTP $code): $answer" >&2; exit 4; }
echo "$answer"
echo "$at"`;

function switchoverAction(spec: SwitchoverSpec): FaultAction {
  return {
    async inject(context) {
      const secrets = context.secrets;
      if (!secrets) throw new Error("a switchover asks Patroni's REST API with the lab's credentials, and the injector was given none (ChaosInjectorOptions.secrets)");
      await onRunningNode(context, spec.node, "a Patroni switchover", async (host) => {
        const body = JSON.stringify({ leader: spec.node, ...(spec.candidate ? { candidate: spec.candidate } : {}) });
        const lines = (await runScript(host, "a Patroni switchover", SWITCHOVER, [body], { env: { PATRONI_REST_PASSWORD: secrets.patroniRestPassword } })).trim().split("\n");
        const askedAt = Number(lines.at(-1));
        if (Number.isFinite(askedAt)) context.landed(askedAt);
        context.note(`${spec.node}: ${lines.slice(0, -1).join(" ").trim() || "switchover asked"}`);
      });
    },
    // A switchover is not undone: the old leader stays a replica, as after an operator's switchover.
    async heal(context) {
      context.note(`switchover from ${spec.node}: nothing to undo (it stays a replica)`);
    },
  };
}
