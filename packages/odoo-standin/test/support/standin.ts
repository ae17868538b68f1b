import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PostgresTarget } from "./postgres.ts";

/** Runs the bundled stand-in (dist/odoo.cjs) as real processes on loopback ports, like the lab image does. */

export const BUNDLE = fileURLToPath(new URL("../../dist/odoo.cjs", import.meta.url));

export interface StandinOptions {
  name: string;
  postgres: PostgresTarget;
  database: string;
  dataDir: string;
  workers?: number;
  cronWorkers?: number;
  http?: boolean;
  /** More [options] lines, e.g. { proxy_mode: "True" }. */
  conf?: Record<string, string>;
  env?: Record<string, string>;
}

export interface Standin {
  name: string;
  url: string;
  realtimeUrl: string;
  pid: number;
  logs(): string;
  /** Resolves when `pattern` has appeared in the logs `count` times. */
  waitForLog(pattern: RegExp, count?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
}

const temporaryDirectories: string[] = [];

export function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), `${prefix}-`));
  temporaryDirectories.push(directory);
  return directory;
}

/** Removes every directory temporaryDirectory() made in this test file (call once servers are stopped). */
export function removeTemporaryDirectories(): void {
  for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export function writeConf(path: string, options: StandinOptions, ports: { http: number; gevent: number }): void {
  const lines = [
    "[options]",
    `db_host = ${options.postgres.host}`,
    `db_port = ${options.postgres.port}`,
    `db_user = ${options.postgres.user}`,
    `db_password = ${options.postgres.password}`,
    `db_name = ${options.database}`,
    "db_maxconn = 16",
    `data_dir = ${options.dataDir}`,
    "http_interface = 127.0.0.1",
    `http_port = ${ports.http}`,
    `gevent_port = ${ports.gevent}`,
    `workers = ${options.workers ?? 2}`,
    `max_cron_threads = ${options.cronWorkers ?? 0}`,
    `http_enable = ${options.http === false ? "False" : "True"}`,
    "list_db = False",
    ...Object.entries(options.conf ?? {}).map(([key, value]) => `${key} = ${value}`),
  ];
  writeFileSync(path, lines.join("\n") + "\n");
}

/** `odoo -c odoo.conf -i base --stop-after-init`: creates the database and its schema. */
export async function initDatabase(options: StandinOptions): Promise<string> {
  const directory = temporaryDirectory("standin-init");
  const conf = join(directory, "odoo.conf");
  writeConf(conf, options, { http: 1, gevent: 2 });
  const child = spawn(process.execPath, [BUNDLE, "-c", conf, "-i", "base", "--stop-after-init"], { env: { ...process.env, ...options.env } });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`odoo -i base --stop-after-init exited with ${code}:\n${output}`);
  return output;
}

export async function startStandin(options: StandinOptions): Promise<Standin> {
  const ports = { http: await freePort(), gevent: await freePort() };
  const directory = temporaryDirectory(`standin-${options.name}`);
  const conf = join(directory, "odoo.conf");
  writeConf(conf, options, ports);
  // Its own process group, so that stop() can also reap workers if the main process died.
  const child = spawn(process.execPath, [BUNDLE, "-c", conf], { env: { ...process.env, ...options.env }, detached: true });
  let output = "";
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  let exited: number | null | undefined;
  child.on("exit", (code) => {
    exited = code;
    for (const listener of listeners) listener();
  });

  const waitForLog = (pattern: RegExp, count = 1, timeoutMs = 30_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g");
      const check = (): void => {
        if ((output.match(global)?.length ?? 0) >= count) finish();
        else if (exited !== undefined) finish(new Error(`${options.name} exited (${exited}) before logging ${pattern} ${count}x:\n${output}`));
      };
      const timer = setTimeout(() => finish(new Error(`${options.name} did not log ${pattern} ${count}x within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      listeners.add(check);
      check();
    });

  const standin: Standin = {
    name: options.name,
    url: `http://127.0.0.1:${ports.http}`,
    realtimeUrl: `http://127.0.0.1:${ports.gevent}`,
    pid: child.pid!,
    logs: () => output,
    waitForLog,
    stop: () => stopProcess(child, () => exited),
  };
  const workers = options.workers ?? 2;
  if (options.http !== false) {
    if (workers > 0) {
      await waitForLog(/Worker WorkerHTTP \(\d+\) alive/, workers);
      await waitForLog(/Evented Service \(longpolling\) running on/);
    } else {
      await waitForLog(/HTTP service \(werkzeug\) running on/);
    }
  }
  if (workers > 0 && (options.cronWorkers ?? 0) > 0) await waitForLog(/Worker WorkerCron \(\d+\) alive/, options.cronWorkers);
  return standin;
}

async function stopProcess(child: ChildProcess, exitCode: () => number | null | undefined): Promise<number | null> {
  if (exitCode() === undefined) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => killGroup(child.pid!), 20_000);
    await exited;
    clearTimeout(timer);
  }
  killGroup(child.pid!); // any worker left behind
  return exitCode() ?? null;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
}
