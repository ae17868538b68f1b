import type pg from "pg";
import type { ServerLogLine } from "../history.ts";

/**
 * Odoo's server log lines written since `since` (epoch ms) to its log database (`log_db`), with
 * `create_date` in UTC and `host`, the app node that logged each (the lab's column: converge.ts). A
 * line logged while the database was out of reach is there once the lab's addon could write it
 * (log_database_outlives_outages.py); a process killed before then took its own with it.
 */
export async function readServerLog(client: pg.Client, since: number): Promise<ServerLogLine[]> {
  const { rows } = await client.query<{ at: string; dbname: string | null; name: string; level: string; message: string; host: string | null }>(
    "SELECT (extract(epoch FROM create_date) * 1000)::bigint::text AS at, dbname, name, level, message, host FROM ir_logging WHERE type = 'server' AND create_date >= (to_timestamp($1::double precision / 1000) AT TIME ZONE 'UTC') ORDER BY create_date, id",
    [since],
  );
  return rows.map((row) => ({ at: Number(row.at), host: row.host, database: row.dbname, logger: row.name, level: row.level, message: row.message }));
}
