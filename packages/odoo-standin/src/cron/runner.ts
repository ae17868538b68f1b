import type { AppContext } from "../app-context.ts";
import { toOdooError } from "../rpc/jsonrpc.ts";
import { processJobs } from "./scheduler.ts";
import { CronTriggerListener } from "./trigger-listener.ts";

/**
 * The cron loop of one process: `threads` concurrent workers (1 per cron worker process; up to
 * max_cron_threads in the single-process mode), each processing due jobs, then sleeping until a
 * NOTIFY cron_trigger or the poll interval (Odoo: 60 s + pid % 10, the "chorus effect").
 */
export class CronRunner {
  private stopped = false;
  private readonly waiters = new Set<() => void>();
  /** Bumped by every trigger: a loop that was busy when it came goes round again at once. */
  private generation = 0;
  private readonly listener: CronTriggerListener;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly app: AppContext,
    private readonly threads: number,
  ) {
    this.listener = new CronTriggerListener(app.options, app.tuning, app.logger, () => this.wake());
  }

  get pollSeconds(): number {
    return this.app.tuning.cronPollSeconds ?? 60 + (process.pid % 10);
  }

  start(): void {
    this.listener.start();
    this.loops = Array.from({ length: this.threads }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.listener.stop();
    await Promise.all(this.loops);
  }

  private wake(): void {
    this.generation++;
    for (const waiter of [...this.waiters]) waiter();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const seen = this.generation;
      try {
        await processJobs(this.app);
      } catch (error) {
        const odooError = toOdooError(error);
        this.app.logger.error("odoo.service.server", `cron worker: ${odooError.pythonName}: ${odooError.message}`);
      }
      await this.sleep(seen);
    }
  }

  private sleep(seen: number): Promise<void> {
    if (this.stopped || this.generation !== seen) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.pollSeconds * 1000);
      this.waiters.add(done);
    });
  }
}
