/**
 * Log lines in Odoo's format, on stderr as Odoo does by default, so the lab's log checks read the
 * stand-in and a real Odoo alike:
 *   2026-11-21 10:00:00,123 4242 INFO lab odoo.service.server: HTTP service (werkzeug) running on 0.0.0.0:8069
 * Times are UTC (the lab's containers run in UTC).
 */

export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

export interface Logger {
  log(level: LogLevel, logger: string, message: string): void;
  info(logger: string, message: string): void;
  warning(logger: string, message: string): void;
  error(logger: string, message: string): void;
}

export function formatLogLine(now: Date, pid: number, level: LogLevel, dbname: string | undefined, logger: string, message: string): string {
  const iso = now.toISOString(); // 2026-11-21T10:00:00.123Z
  const stamp = `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
  return `${stamp} ${pid} ${level} ${dbname ?? "?"} ${logger}: ${message}`;
}

/** DEBUG lines (e.g. cron's "another worker is processing job 7, skip") only with ODOO_STANDIN_DEBUG=1. */
const DEBUG_ENABLED = process.env.ODOO_STANDIN_DEBUG === "1";

export function createLogger(dbname: string | undefined, write: (line: string) => void = (line) => process.stderr.write(line + "\n")): Logger {
  const log = (level: LogLevel, logger: string, message: string): void => {
    if (level === "DEBUG" && !DEBUG_ENABLED) return;
    write(formatLogLine(new Date(), process.pid, level, dbname, logger, message));
  };
  return {
    log,
    info: (logger, message) => log("INFO", logger, message),
    warning: (logger, message) => log("WARNING", logger, message),
    error: (logger, message) => log("ERROR", logger, message),
  };
}
