import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { OdooClient, OdooRpcError } from "../src/client/odoo-client.ts";
import { superuserClient, superuserQuery, uniqueDatabaseName } from "./support/postgres.ts";
import { freePort, initDatabase, removeTemporaryDirectories, startStandin, temporaryDirectory, type Standin, type StandinOptions } from "./support/standin.ts";

/**
 * Losing the database mid-request, as a failover does: the request fails with a JSON-RPC error
 * (never a hang, never a crash), and the next request works on a new connection. The slow call is
 * one a real Odoo also has: a write on a row that another transaction holds locked.
 */

const postgres = inject("postgres");
const database = uniqueDatabaseName("dbloss");
const base: Omit<StandinOptions, "name"> = { postgres, database, dataDir: temporaryDirectory("standin-dbloss-data") };
let server: Standin;
let admin: OdooClient;

async function standinBackends(): Promise<{ pid: number; wait_event_type: string | null; state: string | null }[]> {
  return superuserQuery(postgres, "postgres", "SELECT pid, wait_event_type, state FROM pg_stat_activity WHERE usename = $1 AND datname = $2", [postgres.user, database]);
}

async function waitForStandinLockWait(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await standinBackends()).some((backend) => backend.wait_event_type === "Lock")) {
    if (Date.now() > deadline) throw new Error("the stand-in's write never waited on the lock");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  await initDatabase({ name: "init", ...base });
  server = await startStandin({ name: "a", ...base, workers: 1 });
  admin = new OdooClient({ url: server.url, db: database, timeoutMs: 20_000 });
  expect(await admin.login("admin", "admin")).toBe(2);
});

afterAll(async () => {
  await server?.stop();
  removeTemporaryDirectories();
});

describe("database connection lost", () => {
  it("fails the request whose connection is killed with psycopg2's error, then recovers", async () => {
    const partner = await admin.executeKw<number>("res.partner", "create", [{ name: "Locked" }]);
    const holder = await superuserClient(postgres, database);
    await holder.query("BEGIN");
    await holder.query("SELECT id FROM res_partner WHERE id = $1 FOR UPDATE", [partner]);

    const started = Date.now();
    const blocked = admin.executeKw("res.partner", "write", [[partner], { name: "Changed" }]).then(
      () => undefined,
      (error: unknown) => error,
    );
    await waitForStandinLockWait();

    // Every connection of the stand-in's role, as a failover would cut them.
    await superuserQuery(postgres, "postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [postgres.user]);
    const error = await blocked;
    await holder.query("ROLLBACK");
    await holder.end();

    expect(error).toBeInstanceOf(OdooRpcError);
    expect((error as OdooRpcError).code).toBe(200);
    expect((error as OdooRpcError).pythonName).toMatch(/^psycopg2\.(errors\.AdminShutdown|OperationalError)$/);
    expect(Date.now() - started).toBeLessThan(15_000);

    // The next request opens a new connection; the worker did not crash or restart.
    expect(await admin.executeKw("res.partner", "read", [[partner], ["name"]])).toEqual([{ id: partner, name: "Locked" }]);
    expect(await admin.executeKw("res.partner", "write", [[partner], { name: "Changed" }])).toBe(true);
    expect(server.logs()).not.toMatch(/starting a new WorkerHTTP/);
    expect(await new OdooClient({ url: server.url, db: database }).health()).toBe(true);
  });

  it("survives idle connections being killed between requests", async () => {
    for (let round = 0; round < 3; round++) {
      await superuserQuery(postgres, "postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [postgres.user]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await admin.executeKw("res.partner", "search_count", [[]])).toBeGreaterThan(0);
    }
  });

  it("retries serialization failures like Odoo: a write that waited on a concurrent update succeeds on its retry", async () => {
    const partner = await admin.executeKw<number>("res.partner", "create", [{ name: "Contended" }]);
    // Another transaction updates the row and keeps it locked, so the write's REPEATABLE READ
    // snapshot is taken before that update commits: a serialization failure, every time.
    const holder = await superuserClient(postgres, database);
    await holder.query("BEGIN");
    await holder.query("UPDATE res_partner SET email = 'holder@example.org' WHERE id = $1", [partner]);
    const write = admin.executeKw("res.partner", "write", [[partner], { email: "retried@example.org" }]);
    await waitForStandinLockWait();
    await holder.query("COMMIT");
    await holder.end();

    expect(await write).toBe(true);
    expect(server.logs()).toMatch(/odoo\.service\.model: could not serialize access due to concurrent update, \d tries left, try again in/);
    expect(await admin.executeKw("res.partner", "read", [[partner], ["email"]])).toEqual([{ id: partner, email: "retried@example.org" }]);
  });

  it("answers psycopg2.OperationalError quickly when PostgreSQL cannot be reached at all, and fails the database health check", async () => {
    const unreachable = await startStandin({ name: "nodb", ...base, workers: 1, postgres: { ...postgres, port: await freePort() } });
    try {
      const client = new OdooClient({ url: unreachable.url, db: database, timeoutMs: 20_000 });
      const started = Date.now();
      const error = await client.login("admin", "admin").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OdooRpcError);
      expect((error as OdooRpcError).pythonName).toBe("psycopg2.OperationalError");
      expect(Date.now() - started).toBeLessThan(10_000);
      // The plain health check does not touch the database; Odoo 17's db_server_status one does.
      expect(await client.health()).toBe(true);
      const checked = await fetch(`${unreachable.url}/web/health?db_server_status=1`);
      expect(checked.status).toBe(500);
      expect(await checked.json()).toEqual({ status: "fail", db_server_status: false });
    } finally {
      await unreachable.stop();
    }
  });
});

