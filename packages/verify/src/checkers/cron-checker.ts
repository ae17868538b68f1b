import type { CheckerResult } from "../checker-result.ts";
import type { History } from "../history.ts";
import { capped, describeInstant } from "./instants.ts";

export interface ExpectedCronJob {
  /** The job's run-marker name (the 'name' of its ir_logging rows). */
  name: string;
  /** Its schedule: interval_number × interval_type, in milliseconds. */
  intervalMs: number;
  /**
   * Longest acceptable time without a run (default 2 × interval + 60 s: Odoo's cron workers poll
   * about once a minute, and one slot may be missed while a node is lost).
   */
  maxGapMs?: number;
  /**
   * Two runs closer than this are the same slot run twice (default a quarter of the interval; a
   * catch-up run after an outage still comes at least that long after the previous one).
   */
  minSpacingMs?: number;
}

export interface CronOptions {
  jobs: ExpectedCronJob[];
}

/**
 * Cron across several servers: no job runs twice in the same scheduled slot, and none is starved.
 * Reads the run markers the final verification collected (ir_logging, path 'lab'), over the run
 * from its start to the final check.
 */
/** The metrics of a check of these jobs. */
export function cronMetrics(jobs: readonly ExpectedCronJob[]): string[] {
  return ["doubleRuns", "starvedGaps", ...jobs.flatMap((job) => [`runs:${job.name}`, `maxGapSeconds:${job.name}`])];
}

export function checkCron(history: History, options: CronOptions): CheckerResult {
  const name = "cron";
  const final = history.finalState;
  if (!final) return { name, ok: false, metrics: {}, summary: "no final verification in the history: no cron runs collected", counterexamples: [] };
  if (options.jobs.length === 0) return { name, ok: false, metrics: {}, summary: "no expected cron job given: nothing to check", counterexamples: [] };
  const from = history.startedAt;
  const to = Math.max(history.endedAt, final.checkedAt);
  const metrics: Record<string, number> = { doubleRuns: 0, starvedGaps: 0 };
  const counterexamples: string[] = [];
  for (const job of options.jobs) {
    const runs = final.cronRuns.filter((run) => run.job === job.name && run.at >= from && run.at <= to).map((run) => run.at).sort((a, b) => a - b);
    const minSpacing = job.minSpacingMs ?? job.intervalMs / 4;
    const maxGap = job.maxGapMs ?? 2 * job.intervalMs + 60_000;
    metrics[`runs:${job.name}`] = runs.length;
    for (let index = 1; index < runs.length; index++) {
      const gap = runs[index]! - runs[index - 1]!;
      if (gap < minSpacing) {
        metrics.doubleRuns!++;
        counterexamples.push(`${job.name} ran twice in one slot: ${describeInstant(history, runs[index - 1]!)} and ${describeInstant(history, runs[index]!)} (${(gap / 1000).toFixed(1)} s apart < ${(minSpacing / 1000).toFixed(0)} s)`);
      }
    }
    // The gaps that matter include the stretch before the first run and after the last one.
    const edges = [from, ...runs, to];
    let maxSeen = 0;
    for (let index = 1; index < edges.length; index++) {
      const gap = edges[index]! - edges[index - 1]!;
      maxSeen = Math.max(maxSeen, gap);
      if (gap > maxGap) {
        metrics.starvedGaps!++;
        counterexamples.push(`${job.name} starved: no run from ${describeInstant(history, edges[index - 1]!)} to ${describeInstant(history, edges[index]!)} (${(gap / 1000).toFixed(0)} s > ${(maxGap / 1000).toFixed(0)} s)`);
      }
    }
    metrics[`maxGapSeconds:${job.name}`] = maxSeen / 1000;
  }
  const ok = counterexamples.length === 0;
  return {
    name,
    ok,
    metrics,
    summary: `${options.jobs.length} job(s) over ${((to - from) / 1000).toFixed(0)} s: ${metrics.doubleRuns} double run(s), ${metrics.starvedGaps} starved gap(s)`,
    counterexamples: capped(counterexamples),
  };
}
