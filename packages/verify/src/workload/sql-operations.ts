import type { LabEndpoints } from "../lab-endpoints.ts";
import type { AcknowledgedWrites } from "./acknowledged-writes.ts";
import type { OperationContext, OperationResult } from "./open-loop-scheduler.ts";
import { withSqlConnection, type SqlEndpoint } from "./sql-connection.ts";
import { sqlErrorOutcome } from "./sql-error-outcome.ts";

/** The table the SQL workload writes: one row per write, keyed by a client-chosen unique id. */
export const SQL_WRITES_TABLE = "lab_verify_writes";

export const CREATE_SQL_WRITES_TABLE = `CREATE TABLE IF NOT EXISTS ${SQL_WRITES_TABLE} (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), server inet)`;

export interface SqlOperationsOptions {
  endpoints: LabEndpoints;
  credentials: { user: string; password: string };
  timeoutMs: number;
  acknowledged: AcknowledgedWrites;
  /** Run-unique base of the ids: ids are base + operation id, so runs never collide. */
  idBase: bigint;
}

/** sql.write on the read-write listener (VIP:5433) and sql.read on the read-only one (VIP:5434). */
export class SqlOperations {
  constructor(private readonly options: SqlOperationsOptions) {}

  private endpoint(which: "readWrite" | "readOnly"): SqlEndpoint {
    const { endpoints, credentials } = this.options;
    return { ...endpoints[which], database: endpoints.database, ...credentials };
  }

  async prepare(): Promise<void> {
    await withSqlConnection(this.endpoint("readWrite"), this.options.timeoutMs * 5, (client) => client.query(CREATE_SQL_WRITES_TABLE));
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
      }, context.signal);
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
      }, context.signal);
      // A replica may not have applied the newest write yet: "absent" is reported, not failed.
      const value = key === undefined ? "nothing acknowledged yet" : row?.found ? "found" : "absent";
      return { outcome: "ok", value, ...(key === undefined ? {} : { key }), ...this.servedBy(row?.server) };
    } catch (error) {
      return { ...sqlErrorOutcome(error), ...(key === undefined ? {} : { key }) };
    }
  }

  private servedBy(address: string | undefined): { servedBy?: string } {
    if (!address) return {};
    return { servedBy: this.options.endpoints.nodeByAddress.get(address) ?? address };
  }
}
