import cluster from "node:cluster";
import type { Server } from "node:http";
import { createAppContext, type AppContext } from "../app-context.ts";
import type { OdooOptions } from "../config/options.ts";
import { CronRunner } from "../cron/runner.ts";
import { createLogger, type Logger } from "../log.ts";
import { readTuning } from "../tuning.ts";
import { closeHttpServer, listenAddress, startHttpServer } from "./http-server.ts";

/**
 * The child processes of the multi-process server, each started by the main process with
 * node:cluster and told its job in ODOO_STANDIN_ROLE:
 *   http   - serves port 8069 (shared by all HTTP workers), refuses /websocket
 *   gevent - the real-time process: port 8072, serves /websocket (and every other route, as Odoo's does)
 *   cron   - one cron worker
 */

export type WorkerRole = "http" | "gevent" | "cron";

export const ROLE_VARIABLE = "ODOO_STANDIN_ROLE";
export const OPTIONS_VARIABLE = "ODOO_STANDIN_OPTIONS";

const GRACE_MS = 10_000;

export async function runWorker(role: WorkerRole): Promise<void> {
  const options = JSON.parse(process.env[OPTIONS_VARIABLE] ?? "{}") as OdooOptions;
  const dbname = options.db_name!;
  const logger = createLogger(dbname);
  const app = createAppContext(options, readTuning(), dbname, logger);
  installCrashHandlers(logger);

  let server: Server | undefined;
  let cron: CronRunner | undefined;
  if (role === "cron") {
    cron = new CronRunner(app, 1);
    cron.start();
  } else {
    const port = role === "http" ? options.http_port : options.gevent_port;
    server = await startHttpServer(app, port, role === "gevent" ? "serve" : "refuse");
    if (role === "gevent") logger.info("odoo.service.server", `Evented Service (longpolling) running on ${listenAddress(options.http_interface)}:${port}`);
  }
  onStopRequest(() => stopWorker(app, server, cron));
}

async function stopWorker(app: AppContext, server: Server | undefined, cron: CronRunner | undefined): Promise<void> {
  const forced = setTimeout(() => process.exit(0), GRACE_MS + 2_000);
  forced.unref();
  try {
    if (server) await closeHttpServer(server, GRACE_MS);
    await cron?.stop();
    await app.close();
  } finally {
    process.exit(0);
  }
}

/** SIGTERM/SIGINT, or the main process going away (the IPC channel closes): stop once. */
export function onStopRequest(stop: () => Promise<void>): void {
  let stopping = false;
  const once = (): void => {
    if (stopping) return;
    stopping = true;
    void stop();
  };
  process.on("SIGTERM", once);
  process.on("SIGINT", once);
  if (cluster.isWorker) cluster.worker?.on("disconnect", once);
}

/** A bug must not leave a half-dead worker: log it and exit, the main process starts a new one. */
export function installCrashHandlers(logger: Logger): void {
  process.on("uncaughtException", (error) => {
    logger.log("CRITICAL", "odoo.service.server", `worker crashed: ${error.stack ?? error.message}`);
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    logger.error("odoo.service.server", `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });
}
