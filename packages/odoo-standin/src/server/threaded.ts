import type { Server } from "node:http";
import { createAppContext } from "../app-context.ts";
import type { OdooOptions } from "../config/options.ts";
import { CronRunner } from "../cron/runner.ts";
import type { Logger } from "../log.ts";
import type { Tuning } from "../tuning.ts";
import { closeHttpServer, listenAddress, startHttpServer } from "./http-server.ts";
import { installCrashHandlers, onStopRequest } from "./worker-process.ts";

/**
 * `--workers 0`: Odoo's threaded mode, everything in one process. HTTP (including /websocket)
 * is served on http_port; no real-time port is opened; cron runs max_cron_threads loops.
 */
export async function runThreaded(options: OdooOptions, tuning: Tuning, dbname: string, logger: Logger): Promise<void> {
  const app = createAppContext(options, tuning, dbname, logger);
  installCrashHandlers(logger);
  let server: Server | undefined;
  if (options.http_enable) {
    server = await startHttpServer(app, options.http_port, "serve");
    logger.info("odoo.service.server", `HTTP service (werkzeug) running on ${listenAddress(options.http_interface)}:${options.http_port}`);
  }
  const cron = options.max_cron_threads > 0 ? new CronRunner(app, options.max_cron_threads) : undefined;
  cron?.start();

  onStopRequest(async () => {
    logger.info("odoo.service.server", "Initiating shutdown");
    if (server) await closeHttpServer(server, 10_000);
    await cron?.stop();
    await app.close();
    process.exit(0);
  });
}
