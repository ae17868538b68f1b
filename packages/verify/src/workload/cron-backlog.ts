import { WaitTimeoutError } from "@odoo-ha-lab/machine";
import type { LabSecrets } from "@odoo-ha-lab/roles";
import type { Topology } from "@odoo-ha-lab/topology";
import type { CronBacklogRecord } from "../history.ts";
import { LabCronJobs } from "./cron-jobs.ts";

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
  private readonly jobs: LabCronJobs;
  private ids: number[] = [];
  private triggers: NodeJS.Timeout | undefined;

  constructor(private readonly options: CronBacklogOptions) {
    this.jobs = new LabCronJobs(options.topology, options.secrets, options.timeoutMs ?? 30_000, "cron backlog");
    const createdAt = Date.now();
    this.record = { prefix: `${CRON_BACKLOG_PREFIX}${createdAt}-`, jobs: options.jobs, workSeconds: options.workSeconds, createdAt };
  }

  /** What the history keeps of it. */
  get description(): CronBacklogRecord {
    return { ...this.record };
  }

  /** Removes a crashed run's leftovers, then creates the jobs, held. */
  async create(): Promise<void> {
    await this.jobs.deleteJobs(CRON_BACKLOG_PREFIX).catch((error: Error) => {
      // Still locked after the wait: a transaction left open by a client that vanished (once seen after
      // a VIP move; keepalived's leave script now closes those). Workers skip locked jobs, so it
      // competes with nothing this run measures.
      if (error instanceof WaitTimeoutError) this.record.leftoversStillHeld = error.message;
      else throw new Error(`cron backlog: removing the jobs an earlier run left (${CRON_BACKLOG_PREFIX}*) failed: ${error.message}`);
    });
    const names = Array.from({ length: this.options.jobs }, (_, index) => `${this.record.prefix}${String(index).padStart(5, "0")}`);
    this.ids = await this.jobs.createHeld(names, this.options.workSeconds);
  }

  /** Makes every job due now and wakes the cron workers, then again every TRIGGER_EVERY_MS until remove(). */
  async release(): Promise<void> {
    if (this.record.releasedAt !== undefined) return;
    if (this.ids.length === 0) throw new Error("cron backlog: release() before create()");
    await this.jobs.makeDue(this.ids);
    await this.jobs.wakeWorkers();
    this.record.releasedAt = Date.now();
    this.triggers = setInterval(() => {
      // A missed wake-up only delays a worker to its next poll; the run's history judges the outcome.
      this.jobs.wakeWorkers().catch(() => undefined);
    }, TRIGGER_EVERY_MS).unref();
  }

  /** Stops the wake-ups and removes this run's jobs (run or not), so that the next run starts from an empty queue. */
  async remove(): Promise<number> {
    clearInterval(this.triggers);
    return this.jobs.deleteJobs(this.record.prefix);
  }
}
