import { nodesWithRole, odooDatabases } from "@odoo-ha-lab/topology";
import { run, waitFor, type Host, type ServiceDefinition } from "@odoo-ha-lab/machine";
import type { RolePlan } from "../../node-plan.ts";
import { odooPlan } from "./plan.ts";
import { PATHS, PORTS } from "../../render/paths.ts";
import { odooRpcOnNode } from "./rpc-on-node.ts";
import { webUrl } from "./web-path.ts";
import { ODOO_ADMIN_LOGIN, odooAdminCredentials } from "../../secrets.ts";
import { describeWarmUp, waitForOdooHealth, warmOdooNode } from "./warm-up.ts";
import { applyServices, writePlanFiles } from "../../converge/apply-plan.ts";
import { prepareFirstPages, ODOO_INITIAL_MODULES, restoreOdooDatabase, snapshotOdooDatabase } from "./database-cache.ts";
import { hostFor, timeout, type ConvergeContext } from "../../converge/context.ts";

/** Real Odoo's `-i base` leaves admin/admin: the lab replaces it with its own secret at once. */
const FACTORY_ADMIN_PASSWORD = "admin";
/** An app node's own Odoo, as asked from that node. */
const NODE_URL = `http://127.0.0.1:${PORTS.odooHttp}`;

function odooPlans(context: ConvergeContext) {
  return nodesWithRole(context.topology, "odoo").map((node) => {
    const host = hostFor(context, node.name);
    return { node, host, plan: odooPlan({ ...context, node, interfaceName: host.interfaceName }) };
  });
}

/**
 * Which app nodes' files (odoo.conf, the lab addon) the odoo-files stage changed, for the odoo stage
 * that follows it in the same converge: a server already running restarts to read them.
 */
const filesChangedIn = new WeakMap<ConvergeContext, Map<string, boolean>>();

/**
 * odoo.conf, the lab's addon and the shared filestore mount on every app node, but not the Odoo
 * server: nothing here needs the database, so it runs while PostgreSQL starts.
 */
export async function convergeOdooFiles(context: ConvergeContext): Promise<void> {
  const changed = new Map<string, boolean>();
  filesChangedIn.set(context, changed);
  const plans = odooPlans(context);
  await Promise.all(
    plans.map(async ({ host, plan }) => {
      const mount = serviceNamed(plan, "filestore-client");
      for (const command of plan.prepare) await run(host, command);
      const written = await writePlanFiles(host, plan);
      changed.set(host.node, written.length > 0);
      const changes = [...written, ...(await applyServices(host, [mount], written.length > 0))];
      await waitFor(`the shared filestore mounted at ${PATHS.odooDataDir} on ${host.node}`, async () => {
        const result = await host.exec(["mountpoint", "-q", PATHS.odooDataDir]);
        return result.exitCode === 0 ? { done: true, value: undefined } : { done: false, observation: "not a mountpoint yet" };
      }, { timeoutMs: timeout(context, 60) });
      context.progress({ stage: "odoo-files", node: host.node, message: [...changes, "filestore mounted"].join(", ") });
    }),
  );
  // The volume root is owned by root until someone claims it; Odoo runs as 'odoo'.
  await run(plans[0]!.host, ["chown", "odoo:odoo", PATHS.odooDataDir]);
}

/** The lab's databases, then the Odoo servers, warmed, and a login through the VIP. */
export async function convergeOdoo(context: ConvergeContext): Promise<void> {
  const plans = odooPlans(context);
  const configChanged = filesChangedIn.get(context) ?? new Map<string, boolean>();
  const first = plans[0]!.host;

  // 1. The databases, each created once by the first app node if it is missing; one that this Odoo
  //    did not initialise is refused (Odoo would start and answer 500 to every request).
  await waitForPrimaryThroughVip(context);
  let series: Promise<string> | undefined; // `odoo --version` is a Python start: asked once, if at all
  // A restore writes the admin's password hash itself: checking it again is a login (a password hash).
  const restored = new Set<string>();
  for (const name of odooDatabases(context.topology)) {
    const database = await odooDatabaseState(context, name);
    if (database.state === "missing") {
      if ((await createDatabase(first, context, name)) === "restored") restored.add(name);
    } else {
      const problem = databaseProblem(database, await (series ??= odooSeries(first)), context.topology, name);
      if (problem) throw new Error(problem);
    }
  }

  if (context.topology.odoo.logDatabase) await ensureLogDatabase(context, context.topology.odoo.logDatabase.name);

  // 2. The servers (those whose files the odoo-files stage changed restart).
  const started: Host[] = [];
  await Promise.all(
    plans.map(async ({ host, plan, node }) => {
      const changes = await applyServices(host, [serviceNamed(plan, "odoo")], configChanged.get(host.node) ?? false);
      if (changes.length && node.odoo?.http) started.push(host);
      if (node.odoo?.http) await waitForOdooHealth(host, timeout(context, 90));
      context.progress({ stage: "odoo", node: host.node, message: [...changes, node.odoo?.http ? "healthy" : "cron-only"].filter(Boolean).join(", ") });
    }),
  );
  const webHost = plans.find(({ node }) => node.odoo?.http)!.host;
  for (const name of odooDatabases(context.topology)) if (!restored.has(name)) await ensureAdminPassword(webHost, context, name);
  // Users' first requests then find warm workers (a cold node's first calls time out under load).
  // A server this run did not start kept its warm workers.
  await Promise.all(
    started.map(async (host) => {
      const warmed = await warmOdooNode(host, context.topology, odooAdminCredentials(context.secrets));
      context.progress({ stage: "odoo", node: host.node, message: describeWarmUp(warmed) });
    }),
  );
  await checkThroughVip(webHost, context);
}

/**
 * The end of `up`: a login and a call through the VIP, the path users take (VIP → balancer → app
 * node → database). Every node can be healthy on its own while the balancers mark them all down.
 * Waits for the balancers' health checks to rise (`rise 2`, 1 s apart) after the servers started.
 */
async function checkThroughVip(host: Host, context: ConvergeContext): Promise<void> {
  const url = webUrl(context.topology);
  const { database } = context.topology.odoo;
  const partners = await waitFor(`a login and a call through the VIP (${url}) from ${host.node}`, async () => {
    const uid = await login(host, context, context.secrets.odooAdminPassword, url);
    if (uid === false) return { done: false, observation: (await odooRpcOnNode(host, url, "common", "version", [], 5)).ok ? "the login was refused" : "no answer from Odoo through the VIP" };
    const count = await odooRpcOnNode(host, url, "object", "execute_kw", [database, uid, context.secrets.odooAdminPassword, "res.partner", "search_count", [[]]]);
    return count.ok ? { done: true, value: count.result } : { done: false, observation: count.error };
  }, { timeoutMs: timeout(context, 60), intervalMs: 500 });
  context.progress({ stage: "odoo", node: host.node, message: `through the VIP ${url}: login as admin and res.partner.search_count (${String(partners)}) answered` });
}

/**
 * A new lab's database: restored from the cache when it holds one for this Odoo, PostgreSQL and
 * module set, else initialised by Odoo (`-i base`) and then kept in the cache for the next lab.
 */
async function createDatabase(host: Host, context: ConvergeContext, name: string): Promise<"restored" | "initialised"> {
  const { topology, secrets, databaseCache: cache } = context;
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const snapshotHosts = { app: host, database: hostFor(context, nodesWithRole(topology, "postgresql")[0]!.name) };
  const snapshot = await cache?.get();
  if (snapshot) {
    await restoreOdooDatabase(snapshotHosts, topology, secrets, snapshot, name);
    context.progress({ stage: "odoo", node: host.node, message: `database '${name}' restored from the cache (${(await cache!.key()).slice(0, 12)}, ${ODOO_INITIAL_MODULES.join(", ")}) in ${seconds()}` });
    return "restored";
  }
  context.progress({ stage: "odoo", node: host.node, message: `initialising database '${name}' (-i ${ODOO_INITIAL_MODULES.join(",")})` });
  await run(host, ["odoo", "-c", PATHS.odooConfig, "-d", name, "-i", ODOO_INITIAL_MODULES.join(","), "--stop-after-init"], {
    user: "odoo",
    env: { HOME: PATHS.odooDataDir },
    timeoutMs: timeout(context, 600),
  });
  if (!cache) return "initialised";
  const initialised = seconds();
  await prepareFirstPages(host, name, timeout(context, 300));
  await cache.put(await snapshotOdooDatabase(snapshotHosts, topology, secrets, name));
  context.progress({ stage: "odoo", node: host.node, message: `database '${name}' initialised in ${initialised}, its first pages prepared (asset bundles, the admin's settings), kept in the cache (${(await cache.key()).slice(0, 12)}) for the next lab in ${seconds()}` });
  return "initialised";
}

/**
 * The database Odoo's log lines go to (`log_db`), before any server starts: Odoo's handler inserts
 * into its table `ir_logging` and drops a line it cannot write, so a table made later would miss
 * the servers' first lines. The table is the one Odoo's `ir.logging` model declares (base/models/
 * ir_logging.py), indexed on time for reading a run's window, with one column of the lab's: `host`,
 * the machine that logged the line (the lab's addon writes it; stock Odoo leaves it empty).
 */
async function ensureLogDatabase(context: ConvergeContext, name: string): Promise<void> {
  if ((await askDatabase(context, "postgres", `SELECT 1 FROM pg_database WHERE datname = '${name}'`)) !== "1") {
    await askDatabase(context, "postgres", `CREATE DATABASE "${name}"`);
    context.progress({ stage: "odoo", message: `log database '${name}' created` });
  }
  await askDatabase(context, name, IR_LOGGING_TABLE);
}

const IR_LOGGING_TABLE = `
CREATE TABLE IF NOT EXISTS ir_logging (
  id serial PRIMARY KEY,
  create_uid integer, create_date timestamp, write_uid integer, write_date timestamp,
  name varchar NOT NULL, type varchar NOT NULL, dbname varchar, level varchar,
  message text NOT NULL, path varchar NOT NULL, func varchar NOT NULL, line varchar NOT NULL
);
ALTER TABLE ir_logging ADD COLUMN IF NOT EXISTS host varchar;
CREATE INDEX IF NOT EXISTS ir_logging_create_date_index ON ir_logging (create_date);
CREATE INDEX IF NOT EXISTS ir_logging_level_index ON ir_logging (level)`;

/** What the lab's database holds: nothing yet, no Odoo (another app, a cut-off -i base), or Odoo's `base` at a version. */
export type OdooDatabaseState = { state: "missing" } | { state: "not-odoo"; detail: string } | { state: "initialised"; baseVersion: string };

async function odooDatabaseState(context: ConvergeContext, name: string): Promise<OdooDatabaseState> {
  const exists = await askDatabase(context, "postgres", `SELECT 1 FROM pg_database WHERE datname = '${name}'`);
  if (exists !== "1") return { state: "missing" };
  if ((await askDatabase(context, name, "SELECT to_regclass('public.ir_module_module') IS NOT NULL")) !== "t") {
    return { state: "not-odoo", detail: "it has no Odoo tables (ir_module_module)" };
  }
  const base = await askDatabase(context, name, "SELECT coalesce(max(state), '') || ' ' || coalesce(max(latest_version), '') FROM ir_module_module WHERE name = 'base'");
  const [state = "", version = ""] = base.split(" ");
  if (state !== "installed" || !version) return { state: "not-odoo", detail: `its module 'base' is ${state ? `in state '${state}'` : "absent"} (an interrupted -i base?)` };
  return { state: "initialised", baseVersion: version };
}

/** The error for a database this Odoo cannot serve, or undefined. `series` is the server's, e.g. "17.0". */
export function databaseProblem(database: OdooDatabaseState, series: string, topology: { name: string }, name: string): string | undefined {
  const way = `fix: \`pnpm lab down${topology.name === "odoo-ha" ? "" : ` --name ${topology.name}`}\` removes the lab with its data, and the next \`up\` initialises the database with this Odoo`;
  if (database.state === "not-odoo") return `database '${name}' exists but this Odoo cannot serve it: ${database.detail}.\n${way}`;
  if (database.state === "initialised" && !database.baseVersion.startsWith(`${series}.`)) {
    return `database '${name}' was initialised by Odoo ${database.baseVersion.split(".").slice(0, 2).join(".")} (base ${database.baseVersion}), and the app image runs Odoo ${series}.\n${way}`;
  }
  return undefined;
}

/**
 * "17.0": asked of the node's running server (`common.version`, a curl), else from `odoo --version`
 * ("Odoo Server 17.0"), a Python start of ~0.5 s of CPU that an `up` of a running lab paid each time.
 */
async function odooSeries(host: Host): Promise<string> {
  const running = await odooRpcOnNode(host, NODE_URL, "common", "version", [], 5);
  const serie = running.ok ? (running.result as { server_serie?: unknown }).server_serie : undefined;
  if (typeof serie === "string" && /^\d+\.\d+$/.test(serie)) return serie;
  const output = await run(host, ["odoo", "--version"], { user: "odoo" });
  const series = /(\d+\.\d+)/.exec(output)?.[1];
  if (!series) throw new Error(`on ${host.node}: cannot tell the Odoo version from \`odoo --version\`: ${output.trim()}`);
  return series;
}

/**
 * The primary through the VIP's read-write listener, the way Odoo reaches it. The postgresql stage
 * ends once Patroni has a leader that takes writes; the balancers' check (Patroni's /primary, once a
 * second) finds it a moment later, and until then HAProxy has no server for the listener and closes
 * every connection.
 */
async function waitForPrimaryThroughVip(context: ConvergeContext): Promise<void> {
  const { vip, services } = context.topology;
  await waitFor(`the primary through the VIP's read-write listener (${vip.address}:${services.databaseReadWritePort})`, async () => {
    const inRecovery = await askDatabase(context, "postgres", "SELECT pg_is_in_recovery()");
    return inRecovery === "f" ? { done: true, value: undefined } : { done: false, observation: `pg_is_in_recovery() = ${inRecovery}` };
  }, { timeoutMs: timeout(context, 60), intervalMs: 250 });
}

/** One value from the database through the VIP, asked from the first app node (psql is in every Odoo image). */
async function askDatabase(context: ConvergeContext, database: string, query: string): Promise<string> {
  const probe = hostFor(context, nodesWithRole(context.topology, "odoo")[0]!.name);
  const { vip, services } = context.topology;
  const result = await probe.exec(
    ["psql", "-h", vip.address, "-p", String(services.databaseReadWritePort), "-U", context.secrets.odooDbUser, "-d", database, "-tAc", query],
    { env: { PGPASSWORD: context.secrets.odooDbPassword, PGCONNECT_TIMEOUT: "5" } },
  );
  if (result.exitCode !== 0) throw new Error(`on ${probe.node}: cannot reach the database through ${vip.address}:${services.databaseReadWritePort}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

async function ensureAdminPassword(host: Host, context: ConvergeContext, db: string): Promise<void> {
  if ((await login(host, context, context.secrets.odooAdminPassword, NODE_URL, db)) !== false) return;
  const uid = await login(host, context, FACTORY_ADMIN_PASSWORD, NODE_URL, db);
  if (uid === false) throw new Error(`on ${host.node}: Odoo accepts neither the lab's admin password nor the factory one in database '${db}'; reset it or run \`pnpm lab down\` and up again`);
  const written = await odooRpcOnNode(host, NODE_URL, "object", "execute_kw", [db, uid, FACTORY_ADMIN_PASSWORD, "res.users", "write", [[uid], { password: context.secrets.odooAdminPassword }]]);
  if (!written.ok) throw new Error(`on ${host.node}: could not set the admin password: ${written.error}`);
  context.progress({ stage: "odoo", node: host.node, message: `admin password of '${db}' set from the lab's secrets` });
}

async function login(host: Host, context: ConvergeContext, password: string, baseUrl = NODE_URL, db = context.topology.odoo.database): Promise<number | false> {
  const answer = await odooRpcOnNode(host, baseUrl, "common", "login", [db, ODOO_ADMIN_LOGIN, password]);
  return answer.ok && typeof answer.result === "number" ? answer.result : false;
}

/** One of an app node's services, by name (ROLE_CATALOGUE.odoo lists them). */
function serviceNamed(plan: RolePlan, name: string): ServiceDefinition {
  const service = plan.services.find((candidate) => candidate.name === name);
  if (!service) throw new Error(`the odoo plan has no service '${name}' (it has: ${plan.services.map((candidate) => candidate.name).join(", ")})`);
  return service;
}
