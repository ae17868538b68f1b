import cluster, { type Worker } from "node:cluster";
import type { OdooOptions } from "../config/options.ts";
import type { Logger } from "../log.ts";
import { listenAddress } from "./http-server.ts";
import { OPTIONS_VARIABLE, ROLE_VARIABLE, type WorkerRole } from "./worker-process.ts";

/**
 * Odoo's PreforkServer: the main process starts `workers` HTTP workers (sharing port 8069),
 * `max_cron_threads` cron workers and one real-time process (8072), replaces any that dies, and
 * on SIGTERM/SIGINT stops them all (gracefully; a second signal kills them).
 */

const GRACE_MS = 15_000;
const LABELS: Record<WorkerRole, string> = { http: "WorkerHTTP", cron: "WorkerCron", gevent: "Gevent" };

export function runPrefork(options: OdooOptions, logger: Logger): void {
  const roles = new Map<number, WorkerRole>(); // cluster worker id -> role
  const started = new Map<number, number>();
  const restarts: Record<WorkerRole, number> = { http: 0, cron: 0, gevent: 0 };
  let stopping = false;

  // Cluster schedules connections round-robin from the main process, which owns the listening sockets.
  cluster.setupPrimary({ silent: false });

  const spawn = (role: WorkerRole): void => {
    const worker = cluster.fork({ [ROLE_VARIABLE]: role, [OPTIONS_VARIABLE]: JSON.stringify(options) });
    roles.set(worker.id, role);
    started.set(worker.id, Date.now());
    // "alive" once it can work: an HTTP worker when it listens, a cron worker when it runs.
    // The real-time process announces itself ("Evented Service (longpolling) running on ...").
    const alive = (): void => logger.info("odoo.service.server", `Worker ${LABELS[role]} (${worker.process.pid}) alive`);
    if (role === "http") worker.once("listening", alive);
    if (role === "cron") worker.once("online", alive);
  };

  cluster.on("exit", (worker: Worker, code, signal) => {
    const role = roles.get(worker.id);
    roles.delete(worker.id);
    if (!role) return;
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) return;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    logger.info("odoo.service.server", `Worker (${worker.process.pid}) ${how}; starting a new ${LABELS[role]}`);
    // A worker that dies right away (port taken, database refusing...) is restarted with backoff.
    restarts[role] = lived < 5_000 ? restarts[role] + 1 : 0;
    const delay = restarts[role] === 0 ? 0 : Math.min(1_000 * 2 ** (restarts[role] - 1), 30_000);
    setTimeout(() => {
      if (!stopping) spawn(role);
    }, delay);
  });

  if (options.http_enable) {
    logger.info("odoo.service.server", `HTTP service (werkzeug) running on ${listenAddress(options.http_interface)}:${options.http_port}`);
    for (let index = 0; index < options.workers; index++) spawn("http");
    spawn("gevent");
  }
  for (let index = 0; index < options.max_cron_threads; index++) spawn("cron");

  const stop = (signal: NodeJS.Signals): void => {
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    if (stopping) {
      logger.info("odoo.service.server", "Stopping forcefully");
      for (const worker of workers) worker.process.kill("SIGKILL");
      process.exit(1);
    }
    stopping = true;
    logger.info("odoo.service.server", `Stopping gracefully (${signal})`);
    for (const worker of workers) worker.process.kill("SIGTERM");
    const deadline = setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
      process.exit(0);
    }, GRACE_MS);
    const waitForAll = setInterval(() => {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        clearInterval(waitForAll);
        clearTimeout(deadline);
        process.exit(0);
      }
    }, 50);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
