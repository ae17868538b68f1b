import type { CheckerResult } from "../checker-result.ts";
import type { CronRun, History } from "../history.ts";
import { capped, describeInstant } from "./instants.ts";

export interface CronScalingOptions {
  /**
   * The first seconds of each phase are not measured (default 5): a cron worker started at the
   * phase's mark is still starting and connecting, which is not its throughput. When the run
   * markers name their workers, a phase is measured only once each of its workers has run a job.
   */
  settleSeconds?: number;
}

/**
 * Cron throughput as cron workers are added, and no job run twice, over the run's cron backlog
 * (one-shot jobs, one scheduled call each). The method's marks split the run into phases (a phase
 * runs from its mark to the next one; the last mark only ends the last phase). For each phase:
 * `throughput:<label>` (runs per second, measured from the later of the settle time and the first
 * run of the phase's last worker to start), `runs:<label>`, `measuredSeconds:<label>`,
 * `workers:<label>` (distinct cron workers seen, when the markers name them), and
 * `speedup:<label>` (throughput over the first phase's). `duplicates` counts runs beyond the first of any job. The checker fails on a
 * duplicate, a phase with no run, or a backlog that ran out before the last phase ended (the
 * throughput would then be the backlog's, not the workers').
 */
/** The metrics of a backlog whose marks are `marks` (a phase per mark but the last, which only ends one). */
export function cronScalingMetrics(marks: readonly string[]): string[] {
  const phases = marks.slice(0, -1);
  return ["jobs", "runs", "duplicates", "jobsRun", ...phases.flatMap((label, index) => [`runs:${label}`, `measuredSeconds:${label}`, `throughput:${label}`, `workers:${label}`, ...(index > 0 ? [`speedup:${label}`] : [])])];
}

export function checkCronScaling(history: History, options: CronScalingOptions = {}): CheckerResult {
  const name = "cron-scaling";
  const fail = (summary: string): CheckerResult => ({ name, ok: false, metrics: {}, summary, counterexamples: [] });
  const backlog = history.cronBacklog;
  if (!backlog) return fail("the run put no cron backlog on the lab (workload.cron): nothing to measure");
  if (backlog.releasedAt === undefined) return fail("the cron backlog was never made due: the method has no mark");
  if (!history.finalState) return fail("no final verification in the history: no cron runs collected");
  const marks = [...(history.marks ?? [])].sort((a, b) => a.at - b.at);
  if (marks.length < 2) return fail(`the method has ${marks.length} mark(s): phases need at least two (each phase runs from its mark to the next)`);

  const settleMs = (options.settleSeconds ?? 5) * 1000;
  const runs = history.finalState.cronRuns.filter((run) => run.job.startsWith(backlog.prefix)).sort((a, b) => a.at - b.at);
  const metrics: Record<string, number> = { jobs: backlog.jobs, runs: runs.length, duplicates: 0 };
  const counterexamples: string[] = [];
  const problems: string[] = [];

  const byJob = new Map<string, CronRun[]>();
  for (const run of runs) byJob.set(run.job, [...(byJob.get(run.job) ?? []), run]);
  for (const [job, jobRuns] of byJob) {
    if (jobRuns.length < 2) continue;
    metrics.duplicates! += jobRuns.length - 1;
    const where = jobRuns.map((run) => `${describeInstant(history, run.at)}${run.worker ? ` on ${run.worker}` : ""}`).join(", ");
    counterexamples.push(`${job} (one scheduled call) ran ${jobRuns.length} times: ${where}`);
  }
  metrics.jobsRun = byJob.size;

  let firstThroughput: number | undefined;
  const phases: string[] = [];
  for (let index = 0; index + 1 < marks.length; index++) {
    const { label, at: start } = marks[index]!;
    const end = marks[index + 1]!.at;
    // Every worker of the phase must be at work before its throughput is the phase's.
    const firstRunOf = new Map<string, number>();
    for (const run of runs) if (run.worker && run.at >= start && run.at < end && !firstRunOf.has(run.worker)) firstRunOf.set(run.worker, run.at);
    const from = Math.min(Math.max(start + settleMs, ...firstRunOf.values()), end);
    const seconds = (end - from) / 1000;
    const inPhase = runs.filter((run) => run.at >= from && run.at < end);
    const throughput = seconds > 0 ? inPhase.length / seconds : 0;
    metrics[`runs:${label}`] = inPhase.length;
    metrics[`measuredSeconds:${label}`] = seconds;
    metrics[`throughput:${label}`] = throughput;
    const workers = new Set(firstRunOf.keys());
    if (workers.size > 0) metrics[`workers:${label}`] = workers.size;
    if (index === 0) firstThroughput = throughput;
    else if (firstThroughput) metrics[`speedup:${label}`] = throughput / firstThroughput;
    phases.push(`${label}: ${throughput.toFixed(2)}/s${workers.size > 0 ? ` (${workers.size} worker${workers.size === 1 ? "" : "s"})` : ""}`);
    if (inPhase.length === 0) problems.push(`phase '${label}' (${describeInstant(history, from)} to ${describeInstant(history, end)}) saw no cron run: are the cron workers running and the backlog released?`);
  }

  // Drained: every job has run. If that happened before the last phase ended, the workers idled.
  const lastPhaseEnd = marks.at(-1)!.at;
  if (byJob.size >= backlog.jobs) {
    const drainedAt = Math.max(...[...byJob.values()].map((jobRuns) => jobRuns[0]!.at));
    if (drainedAt < lastPhaseEnd) {
      problems.push(`the backlog of ${backlog.jobs} jobs ran out at ${describeInstant(history, drainedAt)}, before the last phase ended: that phase measured the backlog, not the workers (raise workload.cron.jobs)`);
    }
  }

  const ok = metrics.duplicates === 0 && problems.length === 0;
  return {
    name,
    ok,
    metrics,
    summary: `${runs.length} run(s) of ${byJob.size}/${backlog.jobs} backlog job(s), ${metrics.duplicates} duplicate(s); throughput ${phases.join(", ")}${problems.length ? `; ${problems.join("; ")}` : ""}`,
    counterexamples: capped([...problems, ...counterexamples]),
  };
}
