import cluster from "node:cluster";
import { helpText } from "./config/cli.ts";
import { ConfigError } from "./config/errors.ts";
import { loadLaunchPlan, type LaunchPlan } from "./config/load.ts";
import { Database } from "./db/database.ts";
import { describeTarget, ensureDatabaseExists, installBase } from "./db/install.ts";
import { createLogger, type Logger } from "./log.ts";
import { createModels } from "./models/registry.ts";
import { toOdooError } from "./rpc/jsonrpc.ts";
import { listenAddress } from "./server/http-server.ts";
import { runPrefork } from "./server/main-process.ts";
import { ensurePortFree } from "./server/port-check.ts";
import { runThreaded } from "./server/threaded.ts";
import { ROLE_VARIABLE, runWorker, type WorkerRole } from "./server/worker-process.ts";
import { readTuning, type Tuning } from "./tuning.ts";

/**
 * `odoo [-c odoo.conf] [-d db] [-i base] [--stop-after-init] [--workers N] ...`: the entry point
 * of the bundle (dist/odoo.cjs). The same file runs the main process and, through node:cluster,
 * every worker (ODOO_STANDIN_ROLE tells which).
 */

const VERSION = "17.0";

async function main(): Promise<number | undefined> {
  const role = process.env[ROLE_VARIABLE];
  if (cluster.isWorker && role) {
    await runWorker(role as WorkerRole);
    return undefined;
  }
  // Filestore calls run on libuv's pool; a hung mount must not starve password hashing and the rest.
  process.env.UV_THREADPOOL_SIZE ??= "16";

  const plan = loadLaunchPlan(process.argv.slice(2), process.env);
  if (plan.action === "help") {
    process.stdout.write(helpText());
    return 0;
  }
  if (plan.action === "version") {
    process.stdout.write(`Odoo Server ${VERSION}\n`);
    return 0;
  }
  const tuning = readTuning();
  const logger = createLogger(undefined);
  announce(plan, logger);

  const dbname = plan.options.db_name;
  const modules = [...plan.init, ...plan.update];
  const unknown = modules.filter((module) => module !== "base" && module !== "all");
  if (unknown.length > 0) logger.warning("odoo.modules.loading", `invalid module names, ignored: ${unknown.join(", ")} (the stand-in has only base)`);
  if (modules.includes("base") || modules.includes("all")) {
    if (!dbname) throw new ConfigError("-i/-u base needs a database: pass -d <db> or set db_name in odoo.conf.");
    await initialise(plan, tuning, dbname, logger);
  }
  if (plan.stopAfterInit) {
    logger.info("odoo.service.server", "Initiating shutdown");
    return 0;
  }
  if (!dbname) {
    throw new ConfigError("no database to serve: set db_name in odoo.conf or pass -d <db> (the stand-in serves exactly one database).");
  }

  const options = plan.options;
  if (options.http_enable) {
    const host = listenAddress(options.http_interface);
    await ensurePortFree(options.http_port, host, "http_port");
    if (options.workers > 0) await ensurePortFree(options.gevent_port, host, "gevent_port");
  }
  if (options.workers > 0) runPrefork(options, logger);
  else await runThreaded(options, tuning, dbname, createLogger(dbname));
  return undefined;
}

function announce(plan: LaunchPlan, logger: Logger): void {
  logger.info("odoo", `Odoo version ${VERSION} (odoo-ha-lab stand-in)`);
  if (plan.configPath) logger.info("odoo", `Using configuration file at ${plan.configPath}`);
  logger.info("odoo", `database: ${describeTarget(plan.options)}`);
  for (const warning of plan.warnings) logger.warning("odoo.tools.config", warning);
}

/** `-i base`: create the database when missing, then the schema; idempotent. */
async function initialise(plan: LaunchPlan, tuning: Tuning, dbname: string, logger: Logger): Promise<void> {
  await ensureDatabaseExists(plan.options, dbname, tuning, logger);
  const db = new Database(dbname, { ...plan.options, db_maxconn: 2 }, tuning, logger);
  try {
    const models = [...createModels().values()].map((model) => ({ model: model.name, description: model.description }));
    await installBase(db, models, process.env.ODOO_ADMIN_PASSWORD || "admin", logger);
  } catch (error) {
    const odooError = toOdooError(error);
    throw new Error(`initialising database ${dbname} failed: ${odooError.pythonName}: ${odooError.message}`);
  } finally {
    await db.end();
  }
}

main().then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`odoo: error: ${message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
