import type pg from "pg";
import { DatabaseUnavailable, sqlState } from "./errors.ts";

/**
 * One transaction on one pooled connection, like Odoo's `env.cr`. Work that must only happen once
 * the transaction is committed (NOTIFY cron_trigger...) is queued with `afterCommit`.
 */
export class Cursor {
  /** Rows of the transaction's prelude query (sent with BEGIN), if it had one. */
  preludeRows: Record<string, unknown>[] = [];
  private readonly commitHooks: (() => Promise<void>)[] = [];

  constructor(
    private readonly client: pg.PoolClient,
    readonly dbname: string,
  ) {}

  async query<Row extends Record<string, unknown> = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<Row[]> {
    const results = await this.run(text, params);
    const last = Array.isArray(results) ? results[results.length - 1] : results;
    return (last?.rows ?? []) as Row[];
  }

  /**
   * Several parameterless statements in one round trip (the simple query protocol); returns the
   * rows of each. Used to send a transaction's BEGIN together with its first read.
   */
  async queryBatch(text: string): Promise<Record<string, unknown>[][]> {
    const results = await this.run(text, []);
    return (Array.isArray(results) ? results : [results]).map((result) => result.rows as Record<string, unknown>[]);
  }

  private async run(text: string, params: unknown[]): Promise<pg.QueryResult | pg.QueryResult[]> {
    try {
      // pg answers an array of results for a multi-statement simple query.
      return (await this.client.query(text, params)) as pg.QueryResult | pg.QueryResult[];
    } catch (error) {
      // No SQLSTATE: the socket is gone or timed out; the caller must not reuse this connection.
      if (sqlState(error) === undefined) throw new DatabaseUnavailable(error, "query");
      throw error;
    }
  }

  afterCommit(hook: () => Promise<void>): void {
    this.commitHooks.push(hook);
  }

  /** Runs the post-commit hooks; a failing hook is reported, it cannot undo the commit. */
  async runCommitHooks(onError: (error: unknown) => void): Promise<void> {
    for (const hook of this.commitHooks.splice(0)) {
      try {
        await hook();
      } catch (error) {
        onError(error);
      }
    }
  }
}
