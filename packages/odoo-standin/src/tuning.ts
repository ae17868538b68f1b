/**
 * Knobs that are not Odoo options: hidden environment variables, for tests and the benchmark.
 * Defaults follow what a real Odoo does (60 s cron poll, 120 s limit_time_real).
 */

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`environment ${name}=${raw} is not a positive number; unset it or give e.g. ${fallback}.`);
  }
  return value;
}

export interface Tuning {
  /** Cron workers' sleep between polls when no NOTIFY arrives (Odoo: 60 s + pid % 10). */
  cronPollSeconds: number | undefined;
  /** Bound on opening a PostgreSQL connection or waiting for a pooled one. */
  dbConnectTimeoutMs: number;
  /** Server-side statement_timeout, and (plus a margin) the client-side wait for any answer. */
  dbStatementTimeoutMs: number;
  /** A file-system call on data_dir that has not returned by then fails instead of hanging the request. */
  fileSystemTimeoutMs: number;
}

export function readTuning(): Tuning {
  const poll = process.env.ODOO_STANDIN_CRON_POLL_SECONDS;
  return {
    cronPollSeconds: poll === undefined || poll === "" ? undefined : positiveNumber("ODOO_STANDIN_CRON_POLL_SECONDS", 60),
    dbConnectTimeoutMs: positiveNumber("ODOO_STANDIN_DB_CONNECT_TIMEOUT_MS", 10_000),
    dbStatementTimeoutMs: positiveNumber("ODOO_STANDIN_DB_STATEMENT_TIMEOUT_MS", 120_000),
    fileSystemTimeoutMs: positiveNumber("ODOO_STANDIN_FS_TIMEOUT_MS", 30_000),
  };
}
