import type pg from "pg";
import { describe, expect, it } from "vitest";
import { SqlCallError, SqlConnectionReuse, type SqlEndpoint } from "../src/workload/sql-connection.ts";

const ENDPOINT: SqlEndpoint = { host: "192.168.55.100", port: 5433, database: "lab", user: "odoo", password: "x" };

/** What the pool asks of a connection: to end, and to say when it dies. */
function connection(): pg.Client & { ended: boolean } {
  const client = { ended: false, end: async () => void (client.ended = true), on: () => client };
  return client as unknown as pg.Client & { ended: boolean };
}

describe("SqlConnectionReuse", () => {
  it("opens at most its bound of connections to an endpoint; a call beyond waits for one to come free", async () => {
    const pool = new SqlConnectionReuse(8, 2, 2);
    expect(await pool.acquire(ENDPOINT, 1_000)).toBeUndefined(); // open one
    expect(await pool.acquire(ENDPOINT, 1_000)).toBeUndefined(); // and a second
    pool.connectEnded(ENDPOINT);
    pool.connectEnded(ENDPOINT); // both connected
    const first = connection();
    const third = pool.acquire(ENDPOINT, 1_000);
    pool.discard(ENDPOINT, first); // the first failed: its place is free
    expect(await third).toBeUndefined();
    expect(first.ended).toBe(true);
    // Another endpoint has its own bound.
    expect(await pool.acquire({ ...ENDPOINT, port: 5434 }, 1_000)).toBeUndefined();
  });

  it("hands a connection given back to the call that waits", async () => {
    const pool = new SqlConnectionReuse(8, 1);
    expect(await pool.acquire(ENDPOINT, 1_000)).toBeUndefined();
    pool.connectEnded(ENDPOINT);
    const kept = connection();
    const waiting = pool.acquire(ENDPOINT, 1_000);
    pool.giveBack(ENDPOINT, kept);
    expect(await waiting).toBe(kept);
  });

  it("opens one connection at a time beyond its bound of attempts, as a pool that fills itself one by one", async () => {
    const pool = new SqlConnectionReuse(8, 16, 1);
    expect(await pool.acquire(ENDPOINT, 1_000)).toBeUndefined();
    let second: unknown = "waiting";
    const asking = pool.acquire(ENDPOINT, 1_000).then((answer) => (second = answer));
    await new Promise((resolve) => setImmediate(resolve)); // everything that can run has run
    expect(second).toBe("waiting"); // the first attempt is still under way
    pool.connectEnded(ENDPOINT); // connected, or failed: either way the next may start
    await asking;
    expect(second).toBeUndefined();
  });

  it("fails a call unsent (connect phase) when no connection comes free within its timeout", async () => {
    const pool = new SqlConnectionReuse(8, 1);
    await pool.acquire(ENDPOINT, 1_000);
    const refused = await pool.acquire(ENDPOINT, 50).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SqlCallError);
    expect(refused).toMatchObject({ phase: "connect" });
    expect((refused as Error).message).toMatch(/all 1 of the client's connections to 192.168.55.100:5433 stayed busy for 50 ms/);
  });
});
