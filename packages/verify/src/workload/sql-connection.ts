import pg from "pg";

export interface SqlEndpoint {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

/** Where a SQL call failed: before the statement was sent (nothing happened) or after (anything may have). */
export class SqlCallError extends Error {
  constructor(
    readonly phase: "connect" | "query",
    override readonly cause: Error & { code?: string },
  ) {
    super(cause.message);
    this.name = "SqlCallError";
  }
}

/**
 * One fresh connection per call, bounded in time at every step, so a dead or hung server fails the
 * call instead of blocking it: connect within timeoutMs, each query answered within timeoutMs
 * (client side). No server-side statement_timeout: cancelling a commit that waits for the
 * synchronous standby makes PostgreSQL report success for a commit that is only local.
 */
export async function withSqlConnection<T>(
  endpoint: SqlEndpoint,
  timeoutMs: number,
  use: (client: pg.Client) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const client = new pg.Client({
    ...endpoint,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: "lab-verify",
  });
  // A connection that dies after the call must not crash the process through an unhandled 'error'.
  client.on("error", () => {});
  const drop = () => void client.end().catch(() => {});
  signal?.addEventListener("abort", drop, { once: true });
  try {
    try {
      await client.connect();
    } catch (error) {
      throw new SqlCallError("connect", error as Error);
    }
    try {
      return await use(client);
    } catch (error) {
      throw new SqlCallError("query", error as Error);
    }
  } finally {
    signal?.removeEventListener("abort", drop);
    drop();
  }
}
