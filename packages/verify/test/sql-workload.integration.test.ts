import { PostgreSqlContainer, type StartedPostgreSqlContainer } from "@testcontainers/postgresql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePostgresImage } from "@odoo-ha-lab/docker";
import { checkLostWrites } from "../src/checkers/lost-writes-checker.ts";
import { readBackSqlWrites } from "../src/final/database-read-back.ts";
import { writeTargets } from "../src/final/write-targets.ts";
import type { History, Operation } from "../src/history.ts";
import type { LabEndpoints } from "../src/lab-endpoints.ts";
import { AcknowledgedWrites } from "../src/workload/acknowledged-writes.ts";
import { SqlOperations, SQL_WRITES_TABLE } from "../src/workload/sql-operations.ts";

// Ryuk and the host-finding alpine image cannot be pulled here.
process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
process.env.TESTCONTAINERS_HOST_OVERRIDE = "localhost";

/**
 * The SQL workload, its read-back and the lost-writes checker against a real PostgreSQL (the lab's
 * own postgres image, started by @testcontainers/postgresql): writes are acknowledged only once the
 * server has them, and a row that goes missing afterwards is named by the checker.
 */
let container: StartedPostgreSqlContainer;
let operations: SqlOperations;
const acknowledged = new AcknowledgedWrites();

beforeAll(async () => {
  container = await new PostgreSqlContainer(await ensurePostgresImage()).withLabels({ "odoo-ha-lab.test": "verify-sql" }).start();
  const address = { host: container.getHost(), port: container.getPort() };
  const endpoints: LabEndpoints = {
    vip: address.host,
    webUrl: "http://unused",
    readWrite: address,
    readOnly: address,
    database: container.getDatabase(),
    appNodes: [],
    postgresNodes: [],
    nodeByAddress: new Map(),
  };
  operations = new SqlOperations({ endpoints, credentials: { user: container.getUsername(), password: container.getPassword() }, timeoutMs: 5_000, acknowledged, idBase: 1_000_000n });
  await operations.prepare();
}, 600_000);

afterAll(async () => {
  await container?.stop();
});

async function run(id: number, kind: "sql.write" | "sql.read"): Promise<Operation> {
  const invokedAt = Date.now();
  const signal = AbortSignal.timeout(5_000);
  const result = kind === "sql.write" ? await operations.write({ id, signal }) : await operations.read({ id, signal });
  const operation: Operation = { id, kind, invokedAt, completedAt: Date.now(), ...result };
  acknowledged.record(operation);
  return operation;
}

describe("the SQL workload on a real PostgreSQL", () => {
  it("acknowledges what the server stored, reads it back, and the checker names a write lost afterwards", async () => {
    const writes: Operation[] = [];
    for (let id = 1; id <= 20; id++) writes.push(await run(id, "sql.write"));
    expect(writes.map((op) => op.outcome)).toEqual(Array(20).fill("ok"));
    expect((await run(21, "sql.read")).value).toBe("found");

    const client = new pg.Client({ connectionString: container.getConnectionUri() });
    await client.connect();
    try {
      const history = async (): Promise<History> => ({
        lab: "verify-sql",
        scenario: "sql-workload",
        startedAt: writes[0]!.invokedAt,
        endedAt: Date.now(),
        operations: writes,
        probes: [],
        faults: [],
        finalState: { checkedAt: Date.now(), primary: "postgres", appNodes: [], reads: await readBackSqlWrites(client, writeTargets(writes, "sql.write"), "postgres"), cronRuns: [], errors: [] },
      });
      const intact = checkLostWrites(await history());
      expect(intact.metrics).toMatchObject({ acknowledged: 20, lost: 0, duplicated: 0, unverified: 0 });
      expect(intact.ok).toBe(true);

      // What a failover without a synchronous standby does to an acknowledged write: it is gone.
      await client.query(`DELETE FROM ${SQL_WRITES_TABLE} WHERE id = $1::bigint`, [writes[6]!.key]);
      const broken = checkLostWrites(await history());
      expect(broken.ok).toBe(false);
      expect(broken.metrics.lost).toBe(1);
      expect(broken.counterexamples.join("\n")).toContain(`op 7 sql.write key ${writes[6]!.key}: missing via postgres`);
    } finally {
      await client.end();
    }
  });

  it("hands a connection from call to call, and opens a new one when the server ends it", async () => {
    const admin = new pg.Client({ connectionString: container.getConnectionUri() });
    await admin.connect();
    try {
      const backends = async () =>
        (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'lab-verify' ORDER BY pid")).rows.map((row) => row.pid);
      const warm = await backends(); // opened by prepare(), as a pool's minimum
      expect(warm.length).toBeGreaterThan(0);
      for (let id = 100; id < 110; id++) expect((await run(id, "sql.write")).outcome).toBe("ok");
      const kept = await backends();
      expect(kept).toEqual(warm); // ten sequential calls, no connection of their own
      // What a failover does to kept connections: the server end goes away.
      for (const pid of kept) await admin.query("SELECT pg_terminate_backend($1)", [pid]);
      await expect.poll(async () => (await backends()).length).toBe(0);
      const after = await run(110, "sql.write");
      expect(after.outcome, after.error).toBe("ok");
      const renewed = await backends();
      expect(renewed).toHaveLength(1);
      expect(kept).not.toContain(renewed[0]);
    } finally {
      await admin.end();
    }
  });
});
