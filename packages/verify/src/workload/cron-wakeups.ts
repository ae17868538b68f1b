import type { LabSecrets } from "@odoo-ha-lab/roles";
import type { Topology } from "@odoo-ha-lab/topology";
import type { CronWakeupsRecord } from "../history.ts";
import { LabCronJobs } from "./cron-jobs.ts";

export interface CronWakeupsOptions {
  topology: Topology;
  secrets: LabSecrets;
  /** How many wake-ups: one job made due and the workers woken for each. */
  count: number;
  /** Seconds between two wake-ups. */
  everySeconds: number;
  /** Bound on each call (default 30 s). */
  timeoutMs?: number;
}

/** Every wake-up job's name starts with this; a crashed run's leftovers are found by it. */
export const CRON_WAKEUP_PREFIX = "lab-wakeup-";

/**
 * Timed cron wake-ups, as Odoo's own code asks for a cron run now (ir.cron._trigger: a due call and
 * `NOTIFY cron_trigger`): every `everySeconds` one held one-shot job is made due and the cron workers
 * are woken. A worker that hears the notification runs the job within a second; one that does not
 * (its LISTEN lost, as behind a transaction-pooling PgBouncer) runs it only at its next poll, up to
 * SLEEP_INTERVAL (60 s) + 10 s later (odoo/service/server.py, WorkerCron.sleep). The history keeps
 * when each job was released; its run marker says when it ran.
 */
export class CronWakeups {
  private readonly record: CronWakeupsRecord;
  private readonly jobs: LabCronJobs;
  private ids: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private released: Promise<void> = Promise.resolve();

  constructor(private readonly options: CronWakeupsOptions) {
    this.jobs = new LabCronJobs(options.topology, options.secrets, options.timeoutMs ?? 30_000, "cron wake-ups");
    const prefix = `${CRON_WAKEUP_PREFIX}${Date.now()}-`;
    this.record = { prefix, everySeconds: options.everySeconds, waves: Array.from({ length: options.count }, (_, index) => ({ job: `${prefix}${String(index).padStart(3, "0")}` })) };
  }

  /** What the history keeps of it. */
  get description(): CronWakeupsRecord {
    return { ...this.record, waves: this.record.waves.map((wave) => ({ ...wave })) };
  }

  /** Removes a crashed run's leftovers, then creates the jobs, held. */
  async create(): Promise<void> {
    await this.jobs.deleteJobs(CRON_WAKEUP_PREFIX);
    this.ids = await this.jobs.createHeld(this.record.waves.map((wave) => wave.job));
  }

  /** Releases the first job now and the next every `everySeconds`, one after another. */
  start(): void {
    if (this.ids.length !== this.record.waves.length) throw new Error("cron wake-ups: start() before create()");
    let next = 0;
    const releaseNext = (): void => {
      const index = next++;
      if (index >= this.ids.length) return;
      this.released = this.released.then(() => this.release(index));
      if (next < this.ids.length) this.timer = setTimeout(releaseNext, this.options.everySeconds * 1000);
    };
    releaseNext();
  }

  private async release(index: number): Promise<void> {
    const wave = this.record.waves[index]!;
    try {
      await this.jobs.makeDue([this.ids[index]!]);
      await this.jobs.wakeWorkers();
      wave.releasedAt = Date.now();
    } catch (error) {
      wave.error = (error as Error).message;
    }
  }

  /** Stops releasing, waits for a release in flight, and removes this run's jobs. */
  async remove(): Promise<number> {
    clearTimeout(this.timer);
    await this.released;
    return this.jobs.deleteJobs(this.record.prefix);
  }
}
