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
 *
 * As an application's pool, it bounds what it asks of the server: at most `maxOpenPerEndpoint`
 * connections open at once, and at most `maxConnectingPerEndpoint` of them being opened (HikariCP
 * opens one at a time); a call beyond them waits for its turn within its timeout, and fails unsent if
 * none comes. Without the bounds, a server back from a crash met one new connection per call of the
 * open-loop workload, up to 64 of each kind at once: backend starts and SCRAM handshakes that
 * outlasted the clients' 2 s connect timeout on two loaded cores, abandoned and started again, so
 * that it never came back while the load lasted (crash-postgres-primary, 2026-12-07;
 * docs/benchmarks.md).
 */
export class SqlConnectionReuse {
  private readonly idle = new Map<string, pg.Client[]>();
  private readonly open = new Map<string, number>();
  private readonly connecting = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly watched = new WeakSet<pg.Client>();

  constructor(
    private readonly maxIdlePerEndpoint = 8,
    private readonly maxOpenPerEndpoint = 16,
    private readonly maxConnectingPerEndpoint = 2,
  ) {}

  /**
   * An idle connection, or undefined when the caller may open one (counted from now on: it calls
   * connectEnded() once its attempt is over); waits for either within `timeoutMs`, and throws a
   * connect-phase SqlCallError when none comes.
   */
  async acquire(endpoint: SqlEndpoint, timeoutMs: number, signal?: AbortSignal): Promise<pg.Client | undefined> {
    const key = endpointKey(endpoint);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const idle = this.idle.get(key)?.pop();
      if (idle) return idle;
      const open = this.open.get(key) ?? 0;
      const connecting = this.connecting.get(key) ?? 0;
      if (open < this.maxOpenPerEndpoint && connecting < this.maxConnectingPerEndpoint) {
        this.open.set(key, open + 1);
        this.connecting.set(key, connecting + 1);
        return undefined;
      }
      const left = deadline - Date.now();
      if (left <= 0 || signal?.aborted) {
        const busy = open >= this.maxOpenPerEndpoint ? `all ${this.maxOpenPerEndpoint} of the client's connections` : `the client's ${this.maxConnectingPerEndpoint} connection attempts`;
        throw new SqlCallError("connect", new Error(`${busy} to ${endpoint.host}:${endpoint.port} stayed busy for ${timeoutMs} ms`));
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          const queue = this.waiting.get(key) ?? [];
          if (queue.includes(wake)) queue.splice(queue.indexOf(wake), 1);
          resolve();
        }, left);
        this.waiting.set(key, [...(this.waiting.get(key) ?? []), wake]);
      });
    }
  }

  /** The attempt to open a connection acquire() allowed is over, connected or not: the next may start. */
  connectEnded(endpoint: SqlEndpoint): void {
    const key = endpointKey(endpoint);
    this.connecting.set(key, Math.max(0, (this.connecting.get(key) ?? 0) - 1));
    this.wakeOne(key);
  }

  giveBack(endpoint: SqlEndpoint, client: pg.Client): void {
    const key = endpointKey(endpoint);
    const idle = this.idle.get(key) ?? [];
    if (idle.length >= this.maxIdlePerEndpoint) return this.discard(endpoint, client);
    idle.push(client);
    this.idle.set(key, idle);
    this.wakeOne(key);
    // One that dies while idle (its node killed, the VIP moved) leaves the list at once.
    if (this.watched.has(client)) return;
    this.watched.add(client);
    client.on("error", () => this.forget(key, client));
    client.on("end", () => this.forget(key, client));
  }

  /** Closes a connection the caller holds (it failed, timed out, or was abandoned): its place is free. */
  discard(endpoint: SqlEndpoint, client: pg.Client): void {
    void client.end().catch(() => {});
    this.closed(endpointKey(endpoint));
  }

  close(): void {
    for (const clients of this.idle.values()) for (const client of clients) void client.end().catch(() => {});
    this.idle.clear();
    this.open.clear();
    this.connecting.clear();
  }

  private forget(key: string, client: pg.Client): void {
    const idle = this.idle.get(key);
    const at = idle?.indexOf(client) ?? -1;
    if (at < 0) return; // taken by a call, which discards or gives it back itself
    idle!.splice(at, 1);
    this.closed(key);
  }

  private closed(key: string): void {
    this.open.set(key, Math.max(0, (this.open.get(key) ?? 0) - 1));
    this.wakeOne(key);
  }

  private wakeOne(key: string): void {
    this.waiting.get(key)?.shift()?.();
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
 *
 * A connection `reuse` lets the call open is the pool's: a call that gives up while it is being
 * opened leaves it to finish, and it waits idle for the next call, as a pool's connection outlives
 * the request that made the pool open it. Ending the handshake with the call wasted the server's
 * backend start and SCRAM exchange each time; on a loaded server each took longer than the call's
 * 2 s, so none ever finished.
 */
export async function withSqlConnection<T>(
  endpoint: SqlEndpoint,
  timeoutMs: number,
  use: (client: pg.Client) => Promise<T>,
  signal?: AbortSignal,
  reuse?: SqlConnectionReuse,
): Promise<T> {
  const idle = await reuse?.acquire(endpoint, timeoutMs, signal);
  const client =
    idle ??
    new pg.Client({
      ...endpoint,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      application_name: "lab-verify",
    });
  let dropped = false;
  const drop = () => {
    if (dropped) return;
    dropped = true;
    if (reuse) reuse.discard(endpoint, client);
    else void client.end().catch(() => {});
  };
  if (!idle) {
    // A connection that dies after the call must not crash the process through an unhandled 'error'.
    client.on("error", () => {});
    const connecting = client.connect().finally(() => reuse?.connectEnded(endpoint));
    if (reuse && !(await untilAborted(connecting, signal))) {
      connecting.then(() => reuse.giveBack(endpoint, client), drop);
      throw new SqlCallError("connect", new Error("the call gave up while its connection was being opened"));
    }
    try {
      await connecting;
    } catch (error) {
      drop();
      throw new SqlCallError("connect", error as Error);
    }
  }
  signal?.addEventListener("abort", drop, { once: true });
  if (signal?.aborted) drop();
  let succeeded = false;
  try {
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

/** Whether `work` settled (true) before `signal` aborted (false); a rejection counts as settled. */
function untilAborted(work: Promise<unknown>, signal: AbortSignal | undefined): Promise<boolean> {
  if (!signal) return work.then(() => true, () => true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      () => resolve(true),
      () => resolve(true),
    ).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
