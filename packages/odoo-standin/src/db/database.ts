import pg from "pg";
import type { OdooOptions } from "../config/options.ts";
import type { Logger } from "../log.ts";
import type { Tuning } from "../tuning.ts";
import { connectionConfig, installTypeParsers } from "./connection.ts";
import { Cursor } from "./cursor.ts";
import { DatabaseUnavailable, isConcurrencyError, mustDropConnection } from "./errors.ts";

/** Odoo's MAX_TRIES_ON_CONCURRENCY_FAILURE. */
const MAX_TRIES = 5;

export type Isolation = "REPEATABLE READ" | "READ COMMITTED";

export interface TransactionOptions {
  isolation?: Isolation;
  retry?: boolean;
  /**
   * One parameterless read sent in the same round trip as BEGIN (its rows land in
   * `cr.preludeRows`): the per-call credential check costs no extra round trip.
   */
  prelude?: string;
}

/**
 * One process's connection pool to one database (at most db_maxconn connections), and the
 * transaction discipline of Odoo's `service.model.retrying`: REPEATABLE READ, retried with backoff
 * on serialization failures and deadlocks, never retried on a lost connection. A connection that
 * failed is destroyed, so the next request opens a fresh one.
 */
export class Database {
  private readonly pool: pg.Pool;
  private readonly watched = new WeakSet<pg.PoolClient>();

  constructor(
    readonly name: string,
    options: OdooOptions,
    tuning: Tuning,
    private readonly logger: Logger,
  ) {
    installTypeParsers();
    this.pool = new pg.Pool({ ...connectionConfig(options, name, tuning), max: options.db_maxconn, idleTimeoutMillis: 60_000 });
    // An idle connection that dies (failover, pg_terminate_backend) is dropped by the pool; say so.
    this.pool.on("error", (error) => this.logger.info("odoo.sql_db", `idle connection lost: ${error.message}`));
  }

  /**
   * Runs `work` in a transaction and commits it; retries it on concurrency errors like Odoo's
   * `retrying` (a cron job's own transaction is not retried: `retry: false`).
   */
  async transaction<T>(work: (cr: Cursor) => Promise<T>, { isolation = "REPEATABLE READ", retry = true, prelude }: TransactionOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { client, cr } = await this.begin(isolation, prelude);
      try {
        const result = await work(cr);
        await cr.query("COMMIT");
        client.release();
        await cr.runCommitHooks((error) => this.logger.warning("odoo.sql_db", `post-commit hook failed: ${String(error)}`));
        return result;
      } catch (error) {
        await this.abandon(client, error);
        if (retry && isConcurrencyError(error) && attempt < MAX_TRIES) {
          const wait = Math.random() * 50 * 2 ** attempt;
          this.logger.info("odoo.service.model", `${(error as Error).message.trim()}, ${MAX_TRIES - attempt} tries left, try again in ${(wait / 1000).toFixed(4)} sec...`);
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        throw error;
      }
    }
  }

  /**
   * A connection held outside the retry loop (the cron worker keeps its job lock across two
   * transactions). The caller issues BEGIN/COMMIT itself and must call `release`.
   */
  async checkout(): Promise<{ cr: Cursor; release: (failure?: unknown) => void }> {
    const client = await this.connect();
    return {
      cr: new Cursor(client, this.name),
      release: (failure?: unknown) => client.release(failure !== undefined && mustDropConnection(failure) ? asError(failure) : undefined),
    };
  }

  async end(): Promise<void> {
    await this.pool.end();
  }

  get stats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  /**
   * BEGIN on a pooled connection. A pooled connection may have died while idle: if BEGIN fails
   * for that reason it is dropped and one fresh connection is tried, as Odoo's pool resets a
   * connection when it lends it. Nothing has run yet, so this is not a retry of the request.
   */
  private async begin(isolation: Isolation, prelude: string | undefined): Promise<{ client: pg.PoolClient; cr: Cursor }> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.connect();
      const cr = new Cursor(client, this.name);
      try {
        if (prelude) cr.preludeRows = (await cr.queryBatch(`BEGIN ISOLATION LEVEL ${isolation}; ${prelude}`))[1] ?? [];
        else await cr.query(`BEGIN ISOLATION LEVEL ${isolation}`);
        return { client, cr };
      } catch (error) {
        client.release(asError(error));
        if (attempt >= 2 || !mustDropConnection(error)) throw error;
      }
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new DatabaseUnavailable(error, "connect");
    }
    if (!this.watched.has(client)) {
      // pg emits 'error' on a checked-out client whose socket dies; unhandled, it would kill the process.
      client.on("error", (error) => this.logger.info("odoo.sql_db", `connection lost: ${error.message}`));
      this.watched.add(client);
    }
    return client;
  }

  private async abandon(client: pg.PoolClient, error: unknown): Promise<void> {
    if (mustDropConnection(error)) {
      client.release(asError(error));
      return;
    }
    try {
      await client.query("ROLLBACK");
      client.release();
    } catch (rollbackError) {
      client.release(asError(rollbackError));
    }
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
