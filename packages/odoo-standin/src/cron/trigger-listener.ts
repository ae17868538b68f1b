import pg from "pg";
import type { OdooOptions } from "../config/options.ts";
import { connectionConfig } from "../db/connection.ts";
import type { Logger } from "../log.ts";
import type { Tuning } from "../tuning.ts";

/**
 * `LISTEN cron_trigger` on the postgres database, as Odoo's cron workers do; each notification
 * wakes the workers of this process. A lost connection is re-opened with backoff (meanwhile the
 * workers still poll). On a standby (pg_is_in_recovery) LISTEN is skipped, with Odoo's warning.
 */
export class CronTriggerListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryDelayMs = 1_000;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: OdooOptions,
    private readonly tuning: Tuning,
    private readonly logger: Logger,
    private readonly onTrigger: () => void,
  ) {}

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client(connectionConfig(this.options, "postgres", this.tuning));
    this.client = client;
    let lost = false;
    const onLost = (reason: string): void => {
      if (lost || this.stopped) return;
      lost = true;
      this.logger.warning("odoo.service.server", `cron trigger listener: ${reason}; reconnecting in ${this.retryDelayMs / 1000}s (cron keeps polling meanwhile)`);
      client.end().catch(() => {});
      this.retryTimer = setTimeout(() => void this.connect(), this.retryDelayMs);
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, 10_000);
    };
    client.on("error", (error) => onLost(error.message));
    client.on("end", () => onLost("connection closed"));
    client.on("notification", (message) => {
      if (message.channel === "cron_trigger") this.onTrigger();
    });
    try {
      await client.connect();
      const recovery = await client.query<{ in_recovery: boolean }>("SELECT pg_is_in_recovery() AS in_recovery");
      if (recovery.rows[0]?.in_recovery) {
        this.logger.warning("odoo.service.server", "PG cluster in recovery mode, cron trigger not activated");
      } else {
        await client.query("LISTEN cron_trigger");
      }
      this.retryDelayMs = 1_000;
      // A trigger sent while we were away would be lost: look for due jobs once now.
      this.onTrigger();
    } catch (error) {
      onLost((error as Error).message);
    }
  }
}
