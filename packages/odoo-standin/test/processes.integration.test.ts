import { spawnSync } from "node:child_process";
import { Agent, get } from "node:http";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { OdooClient } from "../src/client/odoo-client.ts";
import { uniqueDatabaseName } from "./support/postgres.ts";
import { BUNDLE, initDatabase, removeTemporaryDirectories, startStandin, temporaryDirectory, type StandinOptions } from "./support/standin.ts";

/** The process model: workers replaced when they die, everything stopped by SIGTERM/SIGINT, threaded mode. */

const postgres = inject("postgres");
const database = uniqueDatabaseName("procs");
const base: Omit<StandinOptions, "name"> = { postgres, database, dataDir: temporaryDirectory("standin-procs-data") };

function pidsOf(logs: string, pattern: RegExp): number[] {
  return [...logs.matchAll(new RegExp(pattern.source, "g"))].map((match) => Number(match[1]));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) throw new Error(`processes still alive: ${pids.filter(isAlive).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  await initDatabase({ name: "init", ...base });
});

afterAll(() => removeTemporaryDirectories());

describe("multi-process server", () => {
  it("replaces dead workers and stops everything on SIGTERM", async () => {
    const server = await startStandin({ name: "prefork", ...base, workers: 2, cronWorkers: 1 });
    const client = new OdooClient({ url: server.url, db: database });
    try {
      const http = pidsOf(server.logs(), /Worker WorkerHTTP \((\d+)\) alive/);
      const cron = pidsOf(server.logs(), /Worker WorkerCron \((\d+)\) alive/);
      const gevent = pidsOf(server.logs(), /(\d+) INFO \S+ odoo\.service\.server: Evented Service/);
      expect(http).toHaveLength(2);
      expect(cron).toHaveLength(1);
      expect(gevent).toHaveLength(1);

      process.kill(http[0]!, "SIGKILL");
      await server.waitForLog(new RegExp(`Worker \\(${http[0]}\\) killed by SIGKILL; starting a new WorkerHTTP`));
      await server.waitForLog(/Worker WorkerHTTP \(\d+\) alive/, 3);
      process.kill(gevent[0]!, "SIGKILL");
      await server.waitForLog(/Evented Service \(longpolling\) running on/, 2);
      process.kill(cron[0]!, "SIGKILL");
      await server.waitForLog(/Worker WorkerCron \(\d+\) alive/, 2);
      for (let index = 0; index < 4; index++) expect(await client.health()).toBe(true);
      expect(await client.login("admin", "admin")).toBe(2);

      const everyone = [
        server.pid,
        ...pidsOf(server.logs(), /Worker Worker\w+ \((\d+)\) alive/),
        ...pidsOf(server.logs(), /(\d+) INFO \S+ odoo\.service\.server: Evented Service/),
      ];
      expect(await server.stop()).toBe(0);
      await waitUntilGone(everyone, 15_000);
      expect(server.logs()).toMatch(/odoo\.service\.server: Stopping gracefully \(SIGTERM\)/);
    } finally {
      await server.stop();
    }
  });

  it("stops promptly while a load balancer keeps reusing its keep-alive connections", async () => {
    const server = await startStandin({ name: "keepalive", ...base, workers: 1 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const healthCheck = () =>
      new Promise<string | undefined>((resolve, reject) => {
        get(`${server.url}/web/health`, { agent }, (response) => {
          response.resume();
          response.on("end", () => resolve(response.headers.connection));
        }).on("error", reject);
      });
    try {
      expect(await healthCheck()).toBe("keep-alive");
      // One request every 50 ms on the same connection, as HAProxy's pooled server connections do.
      const answers: (string | undefined)[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          answers.push(await healthCheck().catch(() => "refused"));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const stopped = Date.now();
      expect(await server.stop()).toBe(0);
      const stopSeconds = (Date.now() - stopped) / 1000;
      polling = false;
      await poller;
      // The poller may have been between two requests when the stop completed: ask once more, after it.
      answers.push(await healthCheck().catch(() => "refused"));
      // The grace period is 10 s: a stop that waited for the client to go idle would take all of it.
      expect(stopSeconds).toBeLessThan(5);
      expect(answers.filter((answer) => answer === "close").length).toBeLessThanOrEqual(1);
      expect(answers.at(-1)).toBe("refused");
    } finally {
      agent.destroy();
      await server.stop();
    }
  });

  it("runs a cron-only node with --no-http: no HTTP port is opened", async () => {
    const server = await startStandin({ name: "cron-only", ...base, http: false, cronWorkers: 1 });
    try {
      expect(server.logs()).not.toMatch(/HTTP service/);
      expect(await new OdooClient({ url: server.url, db: database, timeoutMs: 2_000 }).health()).toBe(false);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe("threaded mode (--workers 0)", () => {
  it("serves HTTP and /websocket from the main process and stops on SIGINT", async () => {
    const server = await startStandin({ name: "threaded", ...base, workers: 0, cronWorkers: 1 });
    try {
      const client = new OdooClient({ url: server.url, db: database });
      expect(await client.login("admin", "admin")).toBe(2);
      const socket = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
      await new Promise<void>((resolve, reject) => {
        socket.once("open", () => resolve());
        socket.once("error", reject);
      });
      socket.close();
      process.kill(server.pid, "SIGINT");
      await waitUntilGone([server.pid], 15_000);
    } finally {
      await server.stop();
    }
  });
});

describe("command line", () => {
  it("refuses a bad config with a message naming the option, and exit code 2", () => {
    const directory = temporaryDirectory("standin-badconf");
    const conf = join(directory, "odoo.conf");
    writeFileSync(conf, "[options]\ndb_name = lab\nworkers = many\n");
    const result = spawnSync(process.execPath, [BUNDLE, "-c", conf], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`odoo: error: ${conf}:3: workers = 'many' is not valid: expected a whole number from 0 to 256 (e.g. workers = 2).`);
  });

  it("prints the version like Odoo", () => {
    expect(spawnSync(process.execPath, [BUNDLE, "--version"], { encoding: "utf8" }).stdout).toBe("Odoo Server 17.0\n");
  });
});
