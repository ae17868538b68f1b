import pg from "pg";
import type { OdooOptions } from "../config/options.ts";
import type { Tuning } from "../tuning.ts";

/**
 * Connection settings for one database. Every connection has bounds (connect timeout, statement
 * timeout, client-side read timeout, TCP keepalive) so that a dead or partitioned PostgreSQL makes
 * requests fail instead of hang. application_name is `odoo-<pid>`, as real Odoo sets it.
 */
export function connectionConfig(options: OdooOptions, database: string, tuning: Tuning): pg.ClientConfig {
  const config: pg.ClientConfig = {
    database,
    application_name: `odoo-${process.pid}`,
    connectionTimeoutMillis: tuning.dbConnectTimeoutMs,
    statement_timeout: tuning.dbStatementTimeoutMs,
    query_timeout: tuning.dbStatementTimeoutMs + 5_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000,
  };
  // Unset options are left out so pg falls back to PGHOST/PGPORT/PGUSER... like libpq does.
  if (options.db_host !== undefined) config.host = options.db_host;
  if (options.db_port !== undefined) config.port = options.db_port;
  if (options.db_user !== undefined) config.user = options.db_user;
  if (options.db_password !== undefined) config.password = options.db_password;
  return config;
}

let parsersInstalled = false;

/** Timestamps stay UTC strings ('YYYY-MM-DD HH:MM:SS', as Odoo stores them); bigint counts become numbers. */
export function installTypeParsers(): void {
  if (parsersInstalled) return;
  parsersInstalled = true;
  pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (text) => text);
  pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (text) => text);
  pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (text) => Number(text));
}
