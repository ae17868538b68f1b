import { run, type Host } from "@odoo-ha-lab/machine";
import { PATHS, PORTS } from "../../render/paths.ts";
import { readPatroniCluster } from "../postgresql/probe.ts";
import { odooPasswordHash } from "./password-hash.ts";
import { ODOO_ADMIN_LOGIN, type LabSecrets } from "../../secrets.ts";
import { findNode, type Topology } from "@odoo-ha-lab/topology";

/**
 * A freshly initialised Odoo database (`-i base`), kept so that the next new lab restores it instead
 * of initialising its own: `pg_restore` of a 1 MB dump took 4.6 s here, `-i base` 33 s. The filestore
 * content that belongs to it (the attachments `-i base` wrote) is kept with it.
 */
export interface OdooDatabaseSnapshot {
  /** `pg_dump -Fc` of the database. */
  dump: Buffer;
  /** A gzipped tar of the database's folder of the filestore (`filestore/<database>`). */
  filestore: Buffer;
}

/**
 * Where snapshots are kept (on the machine that runs the lab command). `key` names what a snapshot
 * depends on: the Odoo server (its image or source), the PostgreSQL major version and the modules
 * installed. Anything else would make a stale database pass for a fresh one, so a change of any of
 * them must change the key. It is worked out only when a lab needs a new database.
 */
export interface OdooDatabaseCache {
  key(): Promise<string>;
  get(): Promise<OdooDatabaseSnapshot | undefined>;
  put(snapshot: OdooDatabaseSnapshot): Promise<void>;
}

/** The modules a lab's database is initialised with (part of every cache key). */
export const ODOO_INITIAL_MODULES = ["base"] as const;

/**
 * The asset bundles a user's first pages need (the login page's and the web client's), built into
 * the snapshot so that a new lab's first page does not wait for them (part of every cache key).
 * Odoo builds a bundle on the first request that names it and keeps it as an attachment under a URL
 * with a checksum of its source files: the same Odoo (the cache key) finds them, another rebuilds.
 * Built by Odoo itself: 2.6 s of CPU for these five, which every new lab's first logins paid.
 * (Odoo's own _pregenerate_assets_bundles builds every bundle, its test suites' too: 10 s.)
 */
export const ODOO_PREBUILT_BUNDLES = [
  { bundle: "web.assets_frontend", css: true, js: false },
  { bundle: "web.assets_frontend_minimal", css: false, js: true },
  { bundle: "web.assets_frontend_lazy", css: false, js: true },
  { bundle: "web.assets_web", css: true, js: true },
  { bundle: "bus.websocket_worker_assets", css: false, js: true },
] as const;

/**
 * Users whose web settings (res.users.settings, one row per user) the snapshot holds. Odoo creates
 * the row at a user's first web login; concurrent first logins race to create it and all but one
 * fail ("One user should only have one user settings"): the warm-up's four clients per node did.
 */
export const ODOO_PREPARED_USERS = ["base.user_admin"] as const;

/** What a snapshot holds besides the server that made it: part of its cache key (cli's databaseCacheKey). */
export interface OdooSnapshotContent {
  modules: readonly string[];
  bundles: readonly { bundle: string; css: boolean; js: boolean }[];
  /** The users whose web settings it holds. */
  users: readonly string[];
}

export const ODOO_SNAPSHOT_CONTENT: OdooSnapshotContent = { modules: ODOO_INITIAL_MODULES, bundles: ODOO_PREBUILT_BUNDLES, users: ODOO_PREPARED_USERS };

/** For Odoo's shell: builds ODOO_PREBUILT_BUNDLES and ODOO_PREPARED_USERS' settings, and commits them. */
const PREPARE_FIRST_PAGES = [
  "import json",
  `for item in json.loads(${JSON.stringify(JSON.stringify(ODOO_PREBUILT_BUNDLES))}):`,
  '    bundle = env["ir.qweb"]._get_asset_bundle(item["bundle"], css=item["css"], js=item["js"])',
  '    if item["css"]: bundle.css()',
  '    if item["js"]: bundle.js()',
  `for xmlid in json.loads(${JSON.stringify(JSON.stringify(ODOO_PREPARED_USERS))}):`,
  '    env["res.users.settings"]._find_or_create_for_user(env.ref(xmlid))',
  "env.cr.commit()",
  'print("lab: first pages prepared")',
].join("\n");

/**
 * What a new database's first web pages would otherwise make while users wait: the asset bundles
 * and the users' settings. With Odoo's shell on an app node (its server need not run).
 */
export async function prepareFirstPages(app: Host, database: string, timeoutMs: number): Promise<void> {
  const output = await run(app, ["odoo", "shell", "-c", PATHS.odooConfig, "-d", database, "--no-http", "--log-level=warn"], {
    user: "odoo",
    env: { HOME: PATHS.odooDataDir },
    stdin: PREPARE_FIRST_PAGES,
    timeoutMs,
  });
  if (!output.includes("lab: first pages prepared")) throw new Error(`on ${app.node}: Odoo's shell did not prepare the first pages of '${database}': ${output.trim().slice(-500)}`);
}

/**
 * libpq's environment for the Odoo database role on the primary's PostgreSQL itself, not through the
 * VIP: a pooler there (PgBouncer in transaction mode) would lend pg_restore's server connection, with
 * the empty search_path it sets for the session, to the next client, whose unqualified table names
 * then fail ("relation ir_config_parameter does not exist", seen on the first such lab). Maintenance
 * goes around a transaction pooler, as PgBouncer's documentation asks.
 */
async function onThePrimary(database: Host, topology: Topology, secrets: LabSecrets): Promise<Record<string, string>> {
  const leader = (await readPatroniCluster(database)).members.find((member) => member.role === "leader");
  if (!leader) throw new Error(`Patroni on ${database.node} names no leader: no primary to restore the database on`);
  return {
    PGHOST: findNode(topology, leader.name).address,
    PGPORT: String(PORTS.postgres),
    PGUSER: secrets.odooDbUser,
    PGPASSWORD: secrets.odooDbPassword,
    PGCONNECT_TIMEOUT: "5",
  };
}

function filestoreOf(database: string): string {
  return `${PATHS.odooDataDir}/filestore/${database}`;
}

/**
 * Where the snapshot's two halves are taken and put back: the filestore on an app node, the database
 * with the PostgreSQL tools of a database node. An app node's client tools are its Odoo image's
 * (Debian 12's PostgreSQL 15), and pg_dump refuses a server of a newer major.
 */
export interface SnapshotHosts {
  app: Host;
  database: Host;
}

/** The database and its filestore folder, as they are now (right after `-i base`). */
export async function snapshotOdooDatabase(hosts: SnapshotHosts, topology: Topology, secrets: LabSecrets, database: string): Promise<OdooDatabaseSnapshot> {
  const env = await onThePrimary(hosts.database, topology, secrets);
  // Through base64: a command's output comes back as text.
  const dump = await run(hosts.database, ["sh", "-c", 'pg_dump -Fc --no-owner -d "$1" | base64 -w0', "sh", database], { env, timeoutMs: 120_000 });
  const filestore = await run(hosts.app, ["sh", "-c", 'mkdir -p "$1" && tar -C "$1" -cz . | base64 -w0', "sh", filestoreOf(database)], { user: "odoo", timeoutMs: 120_000 });
  return { dump: Buffer.from(dump, "base64"), filestore: Buffer.from(filestore, "base64") };
}

/**
 * A new database from a snapshot, owned by the Odoo role, with the filestore folder that belongs to
 * it. Its `database.uuid` and `database.secret` (what Odoo signs tokens with) are new, as `-i base`
 * would make them, and its admin password is the lab's: labs restored from one snapshot share
 * nothing secret.
 */
export async function restoreOdooDatabase(hosts: SnapshotHosts, topology: Topology, secrets: LabSecrets, snapshot: OdooDatabaseSnapshot, database: string): Promise<void> {
  const env = await onThePrimary(hosts.database, topology, secrets);
  const restoreDatabase = async () => {
    const passwordHash = odooPasswordHash(secrets.odooAdminPassword);
    await run(hosts.database, ["createdb", "--maintenance-db=postgres", database], { env });
    // One transaction (and so --exit-on-error): each object committed alone waited for the
    // synchronous standby, ~1,000 round trips (3.3 s -> 1.9 s).
    await run(hosts.database, ["pg_restore", "--no-owner", "--single-transaction", "-d", database], { env, stdin: snapshot.dump, timeoutMs: 300_000 });
    // Through stdin: even a password's hash stays out of the process list.
    const sql = [
      "UPDATE ir_config_parameter SET value = gen_random_uuid()::text WHERE key IN ('database.uuid', 'database.secret');",
      `UPDATE res_users SET password = '${await passwordHash}' WHERE login = '${ODOO_ADMIN_LOGIN}';`,
    ].join("\n");
    await run(hosts.database, ["psql", "-v", "ON_ERROR_STOP=1", "-qAt", "-d", database], { env, stdin: sql });
  };
  // The two halves side by side: the filestore goes to the app node's mount, the database to PostgreSQL.
  await Promise.all([
    restoreDatabase(),
    run(hosts.app, ["sh", "-c", 'mkdir -p "$1" && tar -C "$1" -xz', "sh", filestoreOf(database)], { user: "odoo", stdin: snapshot.filestore, timeoutMs: 120_000 }),
  ]);
}
