import type pg from "pg";
import type { ServerLogLine } from "../history.ts";

/**
 * Odoo's server log lines written since `since` (epoch ms) to its log database (`log_db`): Odoo's
 * handler inserts into `ir_logging` with `create_date` in UTC. A line Odoo could not write (the
 * database out of reach) is not there: a log database on the lab's own cluster misses the lines of
 * the outage it would explain.
 */
export async function readServerLog(client: pg.Client, since: number): Promise<ServerLogLine[]> {
  // `host` is the lab's column (converge.ts): which app node logged the line; to_jsonb reads it whether the table has it or not.
  const { rows } = await client.query<{ at: string; dbname: string | null; name: string; level: string; message: string; host: string | null }>(
    "SELECT (extract(epoch FROM create_date) * 1000)::bigint::text AS at, dbname, name, level, message, to_jsonb(l) ->> 'host' AS host FROM ir_logging l WHERE type = 'server' AND create_date >= (to_timestamp($1::double precision / 1000) AT TIME ZONE 'UTC') ORDER BY create_date, id",
    [since],
  );
  return rows.map((row) => ({ at: Number(row.at), host: row.host, database: row.dbname, logger: row.name, level: row.level, message: row.message }));
}
