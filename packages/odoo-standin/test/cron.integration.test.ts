import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { OdooClient } from "../src/client/odoo-client.ts";
import { runMarkerCode } from "../src/cron/code-form.ts";
import { superuserQuery, uniqueDatabaseName } from "./support/postgres.ts";
import { initDatabase, removeTemporaryDirectories, startStandin, temporaryDirectory, type Standin, type StandinOptions } from "./support/standin.ts";

/**
 * Cron on two servers with two cron workers each, one database: 50 jobs made due at once must
 * each run exactly once (one ir_logging row per job and due call), however the four workers race.
 * Server B is a cron-only node (--no-http), as in the SaaS article's separate cron cluster.
 */

const postgres = inject("postgres");
const database = uniqueDatabaseName("cron");
const JOBS = 50;
const jobName = (index: number): string => `lab-cron-${String(index).padStart(2, "0")}`;
// A short poll keeps the test quick; NOTIFY cron_trigger wakes the workers at once anyway.
const base: Omit<StandinOptions, "name"> = {
  postgres,
  database,
  dataDir: temporaryDirectory("standin-cron-data"),
  cronWorkers: 2,
  env: { ODOO_STANDIN_CRON_POLL_SECONDS: "2" },
};
let servers: Standin[] = [];
let admin: OdooClient;
let jobIds: number[] = [];

async function runsPerJob(): Promise<Map<string, number>> {
  const rows = await superuserQuery<{ name: string; runs: number }>(postgres, database, "SELECT name, count(*)::int AS runs FROM ir_logging WHERE path = 'lab' GROUP BY name");
  return new Map(rows.map((row) => [row.name, row.runs]));
}

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}

async function notifyCronTrigger(): Promise<void> {
  await superuserQuery(postgres, "postgres", `NOTIFY cron_trigger, '${database}'`);
}

beforeAll(async () => {
  await initDatabase({ name: "init", ...base });
  servers = await Promise.all([startStandin({ name: "a", ...base, workers: 1 }), startStandin({ name: "b", ...base, http: false })]);
  await servers[1]!.waitForLog(/Worker WorkerCron \(\d+\) alive/, 2);
  admin = new OdooClient({ url: servers[0]!.url, db: database });
  expect(await admin.login("admin", "admin")).toBe(2);

  const [model] = await admin.executeKw<{ id: number }[]>("ir.model", "search_read", [[["model", "=", "ir.logging"]]], { fields: ["id"] });
  // Created in the future, so nothing runs before the test makes them due together.
  jobIds = await admin.executeKw<number[]>("ir.cron", "create", [
    Array.from({ length: JOBS }, (_, index) => ({
      name: jobName(index),
      model_id: model!.id,
      state: "code",
      // A tenth of a second of work each: one worker alone would need 5 s for all of them, so the
      // others join in even on a loaded machine (the test checks that the work was shared).
      code: runMarkerCode(jobName(index), "cron run", 0.1),
      interval_number: 1,
      interval_type: "days",
      numbercall: -1,
      nextcall: "2099-01-01 00:00:00",
    })),
  ]);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  removeTemporaryDirectories();
});

describe("cron on two servers x two cron workers", () => {
  it("runs each of 50 jobs made due at once exactly once", async () => {
    // Odoo's "make it due now" trick: nextcall in the past.
    await admin.executeKw("ir.cron", "write", [jobIds, { nextcall: "2020-01-01 00:00:00" }]);
    await notifyCronTrigger();
    await waitUntil("every job ran", async () => {
      const [row] = await superuserQuery<{ pending: number }>(postgres, database, "SELECT count(*)::int AS pending FROM ir_cron WHERE nextcall < now() at time zone 'UTC' AND id = ANY($1)", [jobIds]);
      return row?.pending === 0;
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // a late duplicate would show up by now

    const runs = await runsPerJob();
    for (let index = 0; index < JOBS; index++) expect(runs.get(jobName(index)), jobName(index)).toBe(1);

    const jobs = await admin.executeKw<{ lastcall: string | false; nextcall: string }[]>("ir.cron", "read", [jobIds, ["lastcall", "nextcall"]]);
    for (const job of jobs) {
      expect(job.lastcall).not.toBe(false);
      expect(new Date(`${job.nextcall.replace(" ", "T")}Z`).getTime()).toBeGreaterThan(Date.now());
    }
    // The work was shared: more than one worker process ran jobs.
    const [spread] = await superuserQuery<{ workers: number }>(postgres, database, "SELECT count(DISTINCT substring(message from 'pid (\\d+)'))::int AS workers FROM ir_logging WHERE path = 'lab'");
    expect(spread!.workers).toBeGreaterThanOrEqual(2);
  });

  it("runs them exactly once more when they are made due again", async () => {
    await admin.executeKw("ir.cron", "write", [jobIds, { nextcall: "2021-06-01 12:00:00" }]);
    await notifyCronTrigger();
    await waitUntil("every job ran twice", async () => [...(await runsPerJob()).values()].reduce((sum, runs) => sum + runs, 0) >= 2 * JOBS);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const runs = await runsPerJob();
    for (let index = 0; index < JOBS; index++) expect(runs.get(jobName(index)), jobName(index)).toBe(2);
  });

  it("runs a job on demand through ir.cron.trigger + NOTIFY, and consumes the trigger", async () => {
    const job = jobIds[7]!;
    await admin.executeKw("ir.cron.trigger", "create", [{ cron_id: job, call_at: "2020-01-01 00:00:00" }]);
    await notifyCronTrigger();
    await waitUntil("the triggered job ran", async () => (await runsPerJob()).get(jobName(7)) === 3, 20_000);
    expect(await admin.executeKw("ir.cron.trigger", "search_count", [[["cron_id", "=", job]]])).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await runsPerJob()).get(jobName(7))).toBe(3);
  });

  it("stores what real Odoo stores for the run marker, plus which job, host, process and time", async () => {
    const [row] = await superuserQuery<Record<string, unknown>>(postgres, database, "SELECT name, type, level, dbname, path, func, line, message, create_uid FROM ir_logging WHERE name = $1 ORDER BY id LIMIT 1", [jobName(3)]);
    expect(row).toMatchObject({ name: jobName(3), type: "server", level: "INFO", dbname: database, path: "lab", func: "cron", line: "0", create_uid: 2 });
    expect(row!.message).toMatch(new RegExp(`^cron run \\[stand-in: job '${jobName(3)}' \\(ir\\.cron \\d+\\) on host \\S+, pid \\d+, at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\]$`));
  });

  it("deactivates a job whose numbercall runs out", async () => {
    const [model] = await admin.executeKw<{ id: number }[]>("ir.model", "search_read", [[["model", "=", "ir.logging"]]], { fields: ["id"] });
    const once = await admin.executeKw<number>("ir.cron", "create", [{ name: "lab-once", model_id: model!.id, code: runMarkerCode("lab-once"), numbercall: 1, nextcall: "2020-01-01 00:00:00" }]);
    await notifyCronTrigger();
    await waitUntil("the one-shot job ran", async () => (await runsPerJob()).get("lab-once") === 1, 20_000);
    await waitUntil("it is inactive", async () => {
      const [job] = await superuserQuery<{ active: boolean; numbercall: number }>(postgres, database, "SELECT active, numbercall FROM ir_cron WHERE id = $1", [once]);
      return job?.active === false && job.numbercall === 0;
    }, 10_000);
  });

  it("runs a job's fixed work in the database before its marker, and refuses any other query", async () => {
    const [model] = await admin.executeKw<{ id: number }[]>("ir.model", "search_read", [[["model", "=", "ir.logging"]]], { fields: ["id"] });
    const job = await admin.executeKw<number>("ir.cron", "create", [{ name: "lab-work", model_id: model!.id, code: runMarkerCode("lab-work", "cron run", 1), numbercall: 1, nextcall: "2099-01-01 00:00:00" }]);
    const due = Date.now();
    await admin.executeKw("ir.cron", "write", [[job], { nextcall: "2020-01-01 00:00:00" }]);
    await notifyCronTrigger();
    await waitUntil("the job with work ran", async () => (await runsPerJob()).get("lab-work") === 1, 20_000);
    // Its marker is committed after a second of pg_sleep in the job's transaction.
    expect(Date.now() - due).toBeGreaterThanOrEqual(1_000);
    await expect(
      admin.executeKw("ir.cron", "create", [{ name: "lab-drop", model_id: model!.id, code: `env.cr.execute('DROP TABLE res_partner')\n${runMarkerCode("lab-drop")}`, nextcall: "2099-01-01 00:00:00" }]),
    ).rejects.toThrow(/only query a job may run is 'SELECT pg_sleep/);
  });
});
