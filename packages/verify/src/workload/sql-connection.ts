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
 * Connections a workload hands from one call to the next, as a client's pool does: a call takes an
 * idle one or opens its own, and gives it back only if the call succeeded. A connection per call
 * cost each database node a backend start of ~30 ms CPU on these machines (measured), which at the
 * scenarios' rates took a core and queued every call past its timeout. A connection that failed,
 * timed out or was abandoned is closed, never reused, so a failover is met with a new connection
 * through the VIP, as Odoo's own pool meets it.
 */
export class SqlConnectionReuse {
  private readonly idle = new Map<string, pg.Client[]>();
  private readonly watched = new WeakSet<pg.Client>();

  constructor(private readonly maxIdlePerEndpoint = 8) {}

  take(endpoint: SqlEndpoint): pg.Client | undefined {
    return this.idle.get(endpointKey(endpoint))?.pop();
  }

  giveBack(endpoint: SqlEndpoint, client: pg.Client): void {
    const key = endpointKey(endpoint);
    const idle = this.idle.get(key) ?? [];
    if (idle.length >= this.maxIdlePerEndpoint) return void client.end().catch(() => {});
    idle.push(client);
    this.idle.set(key, idle);
    // One that dies while idle (its node killed, the VIP moved) leaves the list at once.
    if (this.watched.has(client)) return;
    this.watched.add(client);
    client.on("error", () => this.forget(key, client));
    client.on("end", () => this.forget(key, client));
  }

  close(): void {
    for (const clients of this.idle.values()) for (const client of clients) void client.end().catch(() => {});
    this.idle.clear();
  }

  private forget(key: string, client: pg.Client): void {
    const idle = this.idle.get(key);
    const at = idle?.indexOf(client) ?? -1;
    if (at >= 0) idle!.splice(at, 1);
  }
}

function endpointKey({ host, port, database, user }: SqlEndpoint): string {
  return `${user}@${host}:${port}/${database}`;
}

/**
 * A connection for one call, bounded in time at every step, so a dead or hung server fails the
 * call instead of blocking it: connect within timeoutMs, each query answered within timeoutMs
 * (client side). Fresh unless `reuse` holds an idle one; given back to `reuse` only after a call
 * that succeeded. No server-side statement_timeout: cancelling a commit that waits for the
 * synchronous standby makes PostgreSQL report success for a commit that is only local.
 */
export async function withSqlConnection<T>(
  endpoint: SqlEndpoint,
  timeoutMs: number,
  use: (client: pg.Client) => Promise<T>,
  signal?: AbortSignal,
  reuse?: SqlConnectionReuse,
): Promise<T> {
  const idle = reuse?.take(endpoint);
  const client =
    idle ??
    new pg.Client({
      ...endpoint,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      application_name: "lab-verify",
    });
  // A connection that dies after the call must not crash the process through an unhandled 'error'.
  if (!idle) client.on("error", () => {});
  const drop = () => void client.end().catch(() => {});
  signal?.addEventListener("abort", drop, { once: true });
  let succeeded = false;
  try {
    if (!idle) {
      try {
        await client.connect();
      } catch (error) {
        throw new SqlCallError("connect", error as Error);
      }
    }
    try {
      const result = await use(client);
      succeeded = true;
      return result;
    } catch (error) {
      throw new SqlCallError("query", error as Error);
    }
  } finally {
    signal?.removeEventListener("abort", drop);
    if (succeeded && reuse && !signal?.aborted) reuse.giveBack(endpoint, client);
    else drop();
  }
}
