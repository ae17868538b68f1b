import type { CheckerResult } from "../checker-result.ts";
import type { History } from "../history.ts";
import { describeInstant } from "./instants.ts";

export interface CronWakeupOptions {
  /**
   * Longest acceptable time from a wake-up to its job's run (default 5 s). A cron worker that hears
   * `NOTIFY cron_trigger` polls at once, and a one-shot job that writes one row runs in well under a
   * second; a worker that does not hear it waits for its next poll, up to 70 s.
   */
  withinSeconds?: number;
}

export const CRON_WAKEUP_METRICS = ["waves", "late", "missed", "medianSeconds", "maxSeconds"] as const;

/**
 * Cron wake-ups reach the cron workers: each released job (workload cronWakeups) ran within
 * `withinSeconds` of its release. A job that never ran counts as missed and as late by the time from
 * its release to the final check. Metrics: `waves` released, `late`, `missed`, and the median and
 * largest time from release to run, in seconds.
 */
export function checkCronWakeup(history: History, options: CronWakeupOptions = {}): CheckerResult {
  const name = "cron-wakeup";
  const fail = (summary: string): CheckerResult => ({ name, ok: false, metrics: {}, summary, counterexamples: [] });
  const wakeups = history.cronWakeups;
  if (!wakeups) return fail("the run made no cron wake-ups (workload.cronWakeups): nothing to measure");
  const final = history.finalState;
  if (!final) return fail("no final verification in the history: no cron runs collected");
  const released = wakeups.waves.filter((wave): wave is typeof wave & { releasedAt: number } => wave.releasedAt !== undefined);
  const failedReleases = wakeups.waves.filter((wave) => wave.error).map((wave) => `${wave.job}: ${wave.error}`);
  if (released.length === 0) return fail(`no wake-up was released${failedReleases.length ? `: ${failedReleases.join("; ")}` : ""}`);

  const withinMs = (options.withinSeconds ?? 5) * 1000;
  const counterexamples: string[] = [];
  let missed = 0;
  const delays = released.map((wave) => {
    const ran = final.cronRuns.filter((run) => run.job === wave.job).map((run) => run.at);
    const firstRun = ran.length ? Math.min(...ran) : undefined;
    if (firstRun === undefined) missed++;
    const delay = (firstRun ?? final.checkedAt) - wave.releasedAt;
    if (delay > withinMs) {
      counterexamples.push(
        firstRun === undefined
          ? `${wave.job}, woken at ${describeInstant(history, wave.releasedAt)}, had not run ${(delay / 1000).toFixed(1)} s later (the final check)`
          : `${wave.job}, woken at ${describeInstant(history, wave.releasedAt)}, ran ${(delay / 1000).toFixed(1)} s later (> ${withinMs / 1000} s): the workers did not hear the wake-up and ran it at their next poll`,
      );
    }
    return delay;
  });
  const sorted = [...delays].sort((a, b) => a - b);
  const metrics = {
    waves: released.length,
    late: counterexamples.length,
    missed,
    medianSeconds: sorted[Math.floor((sorted.length - 1) / 2)]! / 1000,
    maxSeconds: sorted.at(-1)! / 1000,
  };
  const ok = counterexamples.length === 0 && failedReleases.length === 0;
  const summary = ok
    ? `all ${released.length} wake-ups ran their job within ${withinMs / 1000} s (median ${metrics.medianSeconds.toFixed(2)} s, max ${metrics.maxSeconds.toFixed(2)} s)`
    : `${counterexamples.length} of ${released.length} wake-ups ran their job late or never (median ${metrics.medianSeconds.toFixed(1)} s, max ${metrics.maxSeconds.toFixed(1)} s)${failedReleases.length ? `; releases failed: ${failedReleases.join("; ")}` : ""}`;
  return { name, ok, metrics, summary, counterexamples };
}
