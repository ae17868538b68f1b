import { nodesWithRole } from "@odoo-ha-lab/topology";
import { run, waitFor, type Host } from "@odoo-ha-lab/machine";
import { postgresqlPlan } from "./plan.ts";
import { PORTS } from "../../render/paths.ts";
import { patroniDynamicSettings } from "./render.ts";
import { isSynchronousStandby, patronictl, readPatroniCluster, type PatroniCluster } from "./probe.ts";
import { applyRoleEverywhere } from "../../converge/apply-plan.ts";
import { hostFor, timeout, type ConvergeContext } from "../../converge/context.ts";

/**
 * Patroni on every database node, until a leader accepts writes, with the cluster's settings and the
 * Odoo role: what Odoo's database needs. The replicas catch up meanwhile (convergeReplication): a
 * replica's base backup and Patroni's naming of the synchronous standby took 4–6 s of a new lab.
 */
export async function convergePostgresql(context: ConvergeContext): Promise<void> {
  const databases = await applyRoleEverywhere(context, "postgresql", "postgresql", postgresqlPlan);
  const cluster = await waitForCluster(context, "a Patroni leader accepting writes", leaderProblem);
  const leader = cluster.members.find((member) => member.role === "leader")!;
  context.progress({ stage: "postgresql", node: leader.name, message: `leader (${databases.length - 1} replica(s) catching up)` });
  await ensureDynamicSettings(hostFor(context, leader.name), context);
  await ensureOdooRole(hostFor(context, leader.name), context);
}

/** Every replica streaming, and the synchronous standby(s) the topology asks for: the steady state failovers start from. */
export async function convergeReplication(context: ConvergeContext): Promise<void> {
  const expected = nodesWithRole(context.topology, "postgresql").length;
  const { synchronous } = context.topology.postgres;
  const what = `${expected - 1} streaming replica(s)${synchronous === "quorum" ? " with quorum standbys" : synchronous ? " with a synchronous standby" : ""}`;
  const cluster = await waitForCluster(context, what, (current) => clusterProblem(current, expected, synchronous));
  const leader = cluster.members.find((member) => member.role === "leader")!;
  context.progress({ stage: "replication", node: leader.name, message: `leader; replicas streaming${synchronous ? `, ${synchronous === "quorum" ? "quorum" : "synchronous"} standby named` : ""}` });
}

async function waitForCluster(context: ConvergeContext, what: string, problemOf: (cluster: PatroniCluster) => string | undefined): Promise<PatroniCluster> {
  const probeHost = hostFor(context, nodesWithRole(context.topology, "postgresql")[0]!.name);
  return waitFor(what, async () => {
    const current = await readPatroniCluster(probeHost);
    const problem = problemOf(current);
    return problem ? { done: false, observation: problem } : { done: true, value: current };
  }, { timeoutMs: timeout(context, 120), intervalMs: 250 });
}

/**
 * bootstrap.dcs applies only when a cluster is first created: a lab made before a setting changed
 * would silently keep the old one. Compare the cluster's /config with what the topology asks for and
 * set the differences (patronictl reads the REST credentials from patroni.yml).
 */
async function ensureDynamicSettings(leader: Host, context: ConvergeContext): Promise<void> {
  const current = JSON.parse(await run(leader, ["curl", "-sf", "--max-time", "5", `http://127.0.0.1:${PORTS.patroniRest}/config`])) as Record<string, unknown>;
  const differing = Object.entries(patroniDynamicSettings(context.topology)).filter(([key, value]) => current[key] !== value);
  if (differing.length === 0) return;
  const assignments = differing.flatMap(([key, value]) => ["-s", `${key}=${value}`]);
  await run(leader, patronictl("edit-config", "--force", "--quiet", ...assignments), { user: "postgres" });
  const changes = differing.map(([key, value]) => `${key} ${JSON.stringify(current[key] ?? null)} → ${value}`);
  context.progress({ stage: "postgresql", node: leader.node, message: `cluster settings: ${changes.join(", ")}` });
}

function leaderProblem(cluster: PatroniCluster): string | undefined {
  const leaders = cluster.members.filter((member) => member.role === "leader" && member.state === "running");
  return leaders.length === 1 ? undefined : `${leaders.length} running leader(s): ${JSON.stringify(cluster.members)}`;
}

function clusterProblem(cluster: PatroniCluster, expectedMembers: number, synchronous: boolean | "quorum"): string | undefined {
  const noLeader = leaderProblem(cluster);
  if (noLeader) return noLeader;
  const replicas = cluster.members.filter((member) => member.role !== "leader" && (member.state === "streaming" || member.state === "running"));
  if (replicas.length !== expectedMembers - 1) return `${replicas.length}/${expectedMembers - 1} replicas running: ${JSON.stringify(cluster.members)}`;
  if (replicas.some((replica) => replica.lagBytes === undefined)) return "a replica reports no WAL position yet";
  if (synchronous && !cluster.members.some(isSynchronousStandby)) return "no synchronous standby yet";
  return undefined;
}

/** The application's role: LOGIN + CREATEDB (Odoo creates its database) and never a superuser. */
async function ensureOdooRole(leader: Host, context: ConvergeContext): Promise<void> {
  const { odooDbUser, odooDbPassword } = context.secrets;
  const quotedPassword = odooDbPassword.replace(/'/g, "''");
  // The SQL goes through stdin so the password never shows in a process list.
  const sql = [
    "DO $$ BEGIN",
    `  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${odooDbUser}') THEN`,
    `    CREATE ROLE ${odooDbUser} LOGIN CREATEDB PASSWORD '${quotedPassword}';`,
    "  ELSE",
    `    ALTER ROLE ${odooDbUser} LOGIN CREATEDB NOSUPERUSER PASSWORD '${quotedPassword}';`,
    "  END IF;",
    "END $$;",
  ].join("\n");
  await run(leader, ["psql", "-v", "ON_ERROR_STOP=1", "-qAt", "-d", "postgres"], { user: "postgres", stdin: sql });
  context.progress({ stage: "postgresql", node: leader.node, message: `role '${odooDbUser}' ready (LOGIN CREATEDB)` });
}
