import { setTimeout as sleep } from "node:timers/promises";
import type { LabEndpoints } from "../lab-endpoints.ts";
import type { AcknowledgedWrites } from "./acknowledged-writes.ts";
import type { OperationContext, OperationResult } from "./open-loop-scheduler.ts";
import { SqlConnectionReuse, withSqlConnection, type SqlEndpoint } from "./sql-connection.ts";
import { sqlErrorOutcome } from "./sql-error-outcome.ts";

/** The table the SQL workload writes: one row per write, keyed by a client-chosen unique id. */
export const SQL_WRITES_TABLE = "lab_verify_writes";

export const CREATE_SQL_WRITES_TABLE = `CREATE TABLE IF NOT EXISTS ${SQL_WRITES_TABLE} (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), server inet)`;

/** The rows sql.transaction locks: few, so that a lock a dead session keeps is soon in someone's way. */
export const SQL_HOT_ROWS_TABLE = "lab_verify_hot_rows";
export const SQL_HOT_ROWS = 16;
/** How long a transaction keeps its row locked between two statements: the app's work in between. */
export const SQL_TRANSACTION_HOLD_MS = 300;

export interface SqlOperationsOptions {
  endpoints: LabEndpoints;
  credentials: { user: string; password: string };
  timeoutMs: number;
  acknowledged: AcknowledgedWrites;
  /** Run-unique base of the ids: ids are base + operation id, so runs never collide. */
  idBase: bigint;
}

/** Connections to the read-write listener opened by prepare(). */
const WARM_CONNECTIONS = 4;

/** sql.write on the read-write listener (VIP:5433) and sql.read on the read-only one (VIP:5434). */
export class SqlOperations {
  /** Connections handed from call to call, as an application's pool does (see SqlConnectionReuse). */
  private readonly connections = new SqlConnectionReuse();

  constructor(private readonly options: SqlOperationsOptions) {}

  /** Closes the idle connections: the workload has stopped. */
  close(): void {
    this.connections.close();
  }

  private endpoint(which: "readWrite" | "readOnly"): SqlEndpoint {
    const { endpoints, credentials } = this.options;
    return { ...endpoints[which], database: endpoints.database, ...credentials };
  }

  async prepare(): Promise<void> {
    await withSqlConnection(this.endpoint("readWrite"), this.options.timeoutMs * 5, async (client) => {
      await client.query(CREATE_SQL_WRITES_TABLE);
      await client.query(`CREATE TABLE IF NOT EXISTS ${SQL_HOT_ROWS_TABLE} (slot int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)`);
      // Only the missing rows: an insert that conflicts with a row some open transaction updated would wait for it.
      await client.query(
        `INSERT INTO ${SQL_HOT_ROWS_TABLE} (slot) SELECT wanted.slot FROM generate_series(0, ${SQL_HOT_ROWS - 1}) AS wanted(slot)
         WHERE NOT EXISTS (SELECT 1 FROM ${SQL_HOT_ROWS_TABLE} AS hot WHERE hot.slot = wanted.slot) ON CONFLICT DO NOTHING`,
      );
    }, undefined, this.connections).catch((error: Error) => {
      const { host, port } = this.options.endpoints.readWrite;
      throw new Error(`preparing the SQL workload's tables through ${host}:${port}: ${error.message}`);
    });
    // Connections opened before the load starts, as a pool's minimum: the first seconds of a run
    // would otherwise open them under the full rate, on machines still busy starting the run.
    await Promise.all(
      Array.from({ length: WARM_CONNECTIONS - 1 }, () => withSqlConnection(this.endpoint("readWrite"), this.options.timeoutMs * 5, (client) => client.query("SELECT 1"), undefined, this.connections).catch(() => undefined)),
    );
  }

  async write(context: OperationContext): Promise<OperationResult> {
    const key = (this.options.idBase + BigInt(context.id)).toString();
    try {
      const server = await withSqlConnection(this.endpoint("readWrite"), this.options.timeoutMs, async (client) => {
        const result = await client.query<{ server: string }>(
          `INSERT INTO ${SQL_WRITES_TABLE} (id, at, server) VALUES ($1::bigint, now(), inet_server_addr()) RETURNING host(server) AS server`,
          [key],
        );
        return result.rows[0]?.server;
      }, context.signal, this.connections);
      return { outcome: "ok", key, ...this.servedBy(server) };
    } catch (error) {
      return { ...sqlErrorOutcome(error), key };
    }
  }

  async read(context: OperationContext): Promise<OperationResult> {
    const key = this.options.acknowledged.pick("sql.write")?.key;
    try {
      const row = await withSqlConnection(this.endpoint("readOnly"), this.options.timeoutMs, async (client) => {
        const result = await client.query<{ server: string; found: boolean }>(
          `SELECT host(inet_server_addr()) AS server, EXISTS (SELECT 1 FROM ${SQL_WRITES_TABLE} WHERE id = $1::bigint) AS found`,
          [key ?? "0"],
        );
        return result.rows[0];
      }, context.signal, this.connections);
      // A replica may not have applied the newest write yet: "absent" is reported, not failed.
      const value = key === undefined ? "nothing acknowledged yet" : row?.found ? "found" : "absent";
      return { outcome: "ok", value, ...(key === undefined ? {} : { key }), ...this.servedBy(row?.server) };
    } catch (error) {
      return { ...sqlErrorOutcome(error), ...(key === undefined ? {} : { key }) };
    }
  }

  /**
   * A transaction as Odoo's ORM makes them: several round trips, with a row lock held while the app
   * works in between. One left open by a dead client keeps its lock: the next transactions on that row
   * then wait, and give up (lock_timeout), so they fail instead of piling up.
   */
  async transaction(context: OperationContext): Promise<OperationResult> {
    const slot = context.id % SQL_HOT_ROWS;
    try {
      const server = await withSqlConnection(this.endpoint("readWrite"), this.options.timeoutMs, async (client) => {
        // Half the operation's time: the report then says "lock timeout", not just "client timeout".
        await client.query(`BEGIN; SET LOCAL lock_timeout = ${Math.max(50, Math.round(this.options.timeoutMs / 2))}`);
        const result = await client.query<{ server: string }>(
          `UPDATE ${SQL_HOT_ROWS_TABLE} SET n = n + 1 WHERE slot = $1 RETURNING host(inet_server_addr()) AS server`,
          [slot],
        );
        // Abandoned (client timeout): stop holding; the connection is being dropped under us anyway.
        await sleep(SQL_TRANSACTION_HOLD_MS, undefined, { signal: context.signal }).catch(() => undefined);
        await client.query("COMMIT");
        return result.rows[0]?.server;
      }, context.signal, this.connections);
      return { outcome: "ok", value: `slot ${slot}`, ...this.servedBy(server) };
    } catch (error) {
      return { ...sqlErrorOutcome(error), value: `slot ${slot}` };
    }
  }

  private servedBy(address: string | undefined): { servedBy?: string } {
    if (!address) return {};
    return { servedBy: this.options.endpoints.nodeByAddress.get(address) ?? address };
  }
}

