import pg from "pg";
import type { SqlEndpoint } from "../workload/sql-connection.ts";

/**
 * One connection per endpoint, kept from sample to sample, for the probes that ask PostgreSQL.
 * A fresh connection per sample (8 a second for writable-primaries alone) cost the database nodes a
 * backend start and a SCRAM exchange each: load the probes added to the lab they observe. A kept
 * session answers the same questions (pg_is_in_recovery() is asked anew each time); a connection
 * that fails or times out is dropped, so the next sample connects again and sees a restarted node.
 */
export class KeptSqlSessions {
  private readonly sessions = new Map<string, { client: pg.Client; connected: Promise<unknown> }>();

  async query<Row extends pg.QueryResultRow>(endpoint: SqlEndpoint, timeoutMs: number, text: string): Promise<Row[]> {
    const key = `${endpoint.host}:${endpoint.port}/${endpoint.database}`;
    let session = this.sessions.get(key);
    if (!session) {
      const client = new pg.Client({ ...endpoint, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: "lab-probe" });
      // A session that dies between samples (node killed, VIP moved) is dropped, not reused.
      client.on("error", () => this.drop(key, client));
      session = { client, connected: client.connect() };
      this.sessions.set(key, session);
    }
    try {
      await session.connected;
      return (await session.client.query<Row>(text)).rows;
    } catch (error) {
      this.drop(key, session.client);
      throw error;
    }
  }

  async close(): Promise<void> {
    const clients = [...this.sessions.values()].map((session) => session.client);
    this.sessions.clear();
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }

  private drop(key: string, client: pg.Client): void {
    if (this.sessions.get(key)?.client === client) this.sessions.delete(key);
    void client.end().catch(() => undefined);
  }
}
