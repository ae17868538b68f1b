import { OdooClient } from "../odoo/odoo-client.ts";
import { runMarkerCode } from "../odoo/run-marker-code.ts";
import { odooAdminCredentials, type LabSecrets } from "@odoo-ha-lab/roles";
import { waitFor, WaitTimeoutError } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import type { CronBacklogRecord } from "../history.ts";
import { labEndpoints, odooDatabaseCredentials, type LabEndpoints } from "../lab-endpoints.ts";
import { withSqlConnection } from "./sql-connection.ts";

export interface CronBacklogOptions {
  topology: Topology;
  secrets: LabSecrets;
  /** How many one-shot jobs to queue: more than the cron workers can finish during the run. */
  jobs: number;
  /** What each job spends in the database (pg_sleep), so throughput is bounded by workers, not CPU. */
  workSeconds: number;
  /** Bound on each call (default 30 s). */
  timeoutMs?: number;
}

/** Every backlog job's name starts with this; a crashed run's leftovers are found by it. */
export const CRON_BACKLOG_PREFIX = "lab-backlog-";
const HELD = "2099-01-01 00:00:00";
const DUE = "2020-01-01 00:00:00";
const BATCH = 100;
/**
 * How often the released backlog wakes the cron workers (NOTIFY cron_trigger), as a busy Odoo does
 * whenever its code asks for a cron run (ir.cron._trigger). A cron worker polls for due jobs only when
 * woken, or after SLEEP_INTERVAL (60 s, odoo/service/server.py) and the first time only then: without
 * these, a worker started in the middle of a backlog sat idle for up to a minute, and adding workers
 * measured their start-up wait instead of their throughput (measured: 1.04× from 1 to 2 workers).
 */
const TRIGGER_EVERY_MS = 5_000;

/**
 * A stream of due cron jobs for the cron workers to drain: `jobs` one-shot ir.cron records
 * (numbercall 1), each sleeping `workSeconds` in the database and then writing its run marker. They
 * are created held (nextcall in 2099) through the web, as a user would, and released all at once
 * (nextcall in the past, then `NOTIFY cron_trigger` on the postgres database, which is what
 * ir.cron._trigger does for a call due now). Each job is one scheduled call, so any second run
 * marker of a job is a duplicate.
 */
export class CronBacklog {
  private readonly record: CronBacklogRecord;
  private readonly endpoints: LabEndpoints;
  private readonly timeoutMs: number;
  private ids: number[] = [];
  private odoo: OdooClient | undefined;
  private triggers: NodeJS.Timeout | undefined;

  constructor(private readonly options: CronBacklogOptions) {
    this.endpoints = labEndpoints(options.topology);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const createdAt = Date.now();
    this.record = { prefix: `${CRON_BACKLOG_PREFIX}${createdAt}-`, jobs: options.jobs, workSeconds: options.workSeconds, createdAt };
  }

  /** What the history keeps of it. */
  get description(): CronBacklogRecord {
    return { ...this.record };
  }

  /** Removes a crashed run's leftovers, then creates the jobs, held. */
  async create(): Promise<void> {
    await this.deleteJobs(CRON_BACKLOG_PREFIX).catch((error: Error) => {
      // Still locked after the wait: a transaction left open by a client that vanished (once seen after
      // a VIP move; keepalived's leave script now closes those). Workers skip locked jobs, so it
      // competes with nothing this run measures.
      if (error instanceof WaitTimeoutError) this.record.leftoversStillHeld = error.message;
      else throw new Error(`cron backlog: removing the jobs an earlier run left (${CRON_BACKLOG_PREFIX}*) failed: ${error.message}`);
    });
    const odoo = new OdooClient({ url: this.endpoints.webUrl, db: this.endpoints.database, timeoutMs: this.timeoutMs });
    const { login, password } = odooAdminCredentials(this.options.secrets);
    const uid = await odoo.login(login, password).catch((error: Error) => {
      throw new Error(`cron backlog: cannot log in to Odoo at ${this.endpoints.webUrl} as ${login}: ${error.message}`);
    });
    if (uid === false) throw new Error(`cron backlog: Odoo at ${this.endpoints.webUrl} refuses the lab's admin password (see .lab/${this.options.topology.name}/secrets.json)`);
    this.odoo = odoo;
    const [model] = await odoo.executeKw<{ id: number }[]>("ir.model", "search_read", [[["model", "=", "ir.logging"]]], { fields: ["id"] });
    if (!model) throw new Error("cron backlog: the database has no ir.model 'ir.logging'");
    for (let start = 0; start < this.options.jobs; start += BATCH) {
      const values = Array.from({ length: Math.min(BATCH, this.options.jobs - start) }, (_, offset) => {
        const name = `${this.record.prefix}${String(start + offset).padStart(5, "0")}`;
        return {
          name,
          model_id: model.id,
          state: "code",
          code: runMarkerCode(name, "cron run", this.options.workSeconds),
          interval_number: 1,
          interval_type: "days",
          numbercall: 1,
          doall: false,
          nextcall: HELD,
        };
      });
      this.ids.push(...(await odoo.executeKw<number[]>("ir.cron", "create", [values])));
    }
  }

  /** Makes every job due now and wakes the cron workers, then again every TRIGGER_EVERY_MS until remove(). */
  async release(): Promise<void> {
    if (this.record.releasedAt !== undefined) return;
    if (!this.odoo) throw new Error("cron backlog: release() before create()");
    await this.odoo.executeKw("ir.cron", "write", [this.ids, { nextcall: DUE }]);
    await this.trigger();
    this.record.releasedAt = Date.now();
    this.triggers = setInterval(() => {
      // A missed wake-up only delays a worker to its next poll; the run's history judges the outcome.
      this.trigger().catch(() => undefined);
    }, TRIGGER_EVERY_MS).unref();
  }

  /** What ir.cron._trigger does for a call due now: a notification on the postgres database, where the workers listen. */
  private async trigger(): Promise<void> {
    await withSqlConnection({ ...this.endpoints.readWrite, database: "postgres", ...odooDatabaseCredentials(this.options.secrets) }, this.timeoutMs, async (client) => {
      await client.query(`NOTIFY cron_trigger, '${this.endpoints.database}'`);
    });
  }

  /** Stops the wake-ups and removes this run's jobs (run or not), so that the next run starts from an empty queue. */
  async remove(): Promise<number> {
    clearInterval(this.triggers);
    return this.deleteJobs(this.record.prefix);
  }

  /**
   * Deletes the jobs whose name starts with `prefix`, skipping the ones a cron worker holds right
   * now (a plain DELETE would queue behind every job the workers take next, and trail them), then
   * again until none is left: a held job is released as soon as its run is done (workSeconds).
   */
  private async deleteJobs(prefix: string): Promise<number> {
    const pattern = `${prefix.replace(/[\\%_]/g, "\\$&")}%`;
    let deleted = 0;
    await waitFor(
      `every cron job named ${prefix}* deleted`,
      () =>
        withSqlConnection({ ...this.endpoints.readWrite, database: this.endpoints.database, ...odooDatabaseCredentials(this.options.secrets) }, this.timeoutMs, async (client) => {
          const result = await client.query("DELETE FROM ir_cron WHERE id IN (SELECT id FROM ir_cron WHERE cron_name LIKE $1 FOR UPDATE SKIP LOCKED)", [pattern]);
          deleted += result.rowCount ?? 0;
          const { rows } = await client.query<{ held: number }>("SELECT count(*)::int AS held FROM ir_cron WHERE cron_name LIKE $1", [pattern]);
          const held = rows[0]?.held ?? 0;
          return held === 0 ? { done: true as const, value: undefined } : { done: false as const, observation: `${held} job(s) still held by a cron worker` };
        }),
      { timeoutMs: this.timeoutMs, intervalMs: 250 },
    );
    return deleted;
  }
}
