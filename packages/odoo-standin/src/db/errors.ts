import { OdooError, validationError } from "../rpc/errors.ts";

/**
 * PostgreSQL failures, classified the way Odoo (psycopg2) sees them: which ones mean the
 * connection is gone, which ones are worth retrying, and what Python name the client gets.
 */

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  severity?: unknown;
  detail?: unknown;
  constraint?: unknown;
  column?: unknown;
  table?: unknown;
}

/** The SQLSTATE of a server error, or undefined for a client-side/connection error. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as PgLikeError | undefined)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Odoo retries a transaction on these (PG_CONCURRENCY_ERRORS_TO_RETRY), never on a lost connection. */
const CONCURRENCY_STATES = new Set(["40001", "40P01", "55P03"]);

export function isConcurrencyError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && CONCURRENCY_STATES.has(state);
}

/**
 * True when the connection that raised this error must not be reused: it never answered
 * (DatabaseUnavailable: socket closed, timeout, refused), or the server said the session is over:
 * class 08 (connection exception), 57P0x (shutdown, backend terminated), 53300 (too many connections).
 * Errors that are not PostgreSQL's (a ValidationError raised by a model...) leave the connection usable.
 */
export function mustDropConnection(error: unknown): boolean {
  if (error instanceof DatabaseUnavailable) return true;
  const state = sqlState(error);
  if (state === undefined) return false;
  return state.startsWith("08") || state.startsWith("57P") || state === "53300";
}

/** psycopg2 raises one subclass per SQLSTATE while a query runs; these are the ones the lab meets. */
const PSYCOPG2_ERRORS: Record<string, string> = {
  "40001": "SerializationFailure",
  "40P01": "DeadlockDetected",
  "55P03": "LockNotAvailable",
  "57P01": "AdminShutdown",
  "57P02": "CrashShutdown",
  "57P03": "CannotConnectNow",
  "57014": "QueryCanceled",
  "25006": "ReadOnlySqlTransaction",
  "42P01": "UndefinedTable",
  "42703": "UndefinedColumn",
  "3D000": "InvalidCatalogName",
  "53300": "TooManyConnections",
  "28P01": "InvalidPassword",
  "42501": "InsufficientPrivilege",
  "22P02": "InvalidTextRepresentation",
  "22007": "InvalidDatetimeFormat",
  "22008": "DatetimeFieldOverflow",
  "22003": "NumericValueOutOfRange",
};

/** A failure to reach PostgreSQL (connect, or a connection lost mid-query without a SQLSTATE). */
export class DatabaseUnavailable extends Error {
  constructor(
    readonly reason: unknown,
    readonly during: "connect" | "query",
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.name = "DatabaseUnavailable";
  }
}

/** Translates a pg/network error into what a real Odoo 17 would answer. */
export function databaseErrorToOdoo(error: unknown, during: "connect" | "query"): OdooError {
  const pgError = error as PgLikeError;
  const message = typeof pgError?.message === "string" ? pgError.message : String(error);
  const state = sqlState(error);
  if (state?.startsWith("23")) return integrityToValidation(pgError, state);
  if (state === undefined || during === "connect") {
    // psycopg2 raises plain OperationalError for anything that happens while connecting or once the socket is gone.
    return new OdooError("psycopg2.OperationalError", describeConnectionFailure(message, error));
  }
  const name = PSYCOPG2_ERRORS[state];
  return new OdooError(name ? `psycopg2.errors.${name}` : "psycopg2.DatabaseError", message);
}

function describeConnectionFailure(message: string, error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (code === "ECONNREFUSED") return `connection to server failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections? (${message})`;
  if (/terminated unexpectedly|ECONNRESET|EPIPE/i.test(message) || code === "ECONNRESET" || code === "EPIPE") {
    return "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.";
  }
  if (/timeout/i.test(message)) return `connection to server timed out (${message})`;
  return message;
}

/** Odoo 17 turns IntegrityError into a ValidationError with a message for humans. */
function integrityToValidation(error: PgLikeError, state: string): OdooError {
  const table = typeof error.table === "string" ? error.table : "?";
  const column = typeof error.column === "string" ? error.column : undefined;
  const constraint = typeof error.constraint === "string" ? error.constraint : undefined;
  const lines = ["The operation cannot be completed:"];
  if (state === "23502") lines.push(`- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: ${table}, Field: ${column ?? "?"}`);
  else if (state === "23503") lines.push(`another model requires the record being deleted. If possible, archive it instead.\n\nConstraint: ${constraint ?? "?"}`);
  else if (state === "23505") lines.push(`a record with the same value already exists (constraint ${constraint ?? "?"} on ${table}).`);
  else lines.push(String(error.message));
  return validationError(lines.join("\n"));
}
