import { describe, expect, it } from "vitest";
import { checkCronWakeup } from "../src/checkers/cron-wakeup-checker.ts";
import { planOfHistory, plannedCheckers } from "../src/checkers/check-history.ts";
import type { CronRun } from "../src/history.ts";
import { SyntheticHistory, T0 } from "./synthetic-history.ts";

const PREFIX = "lab-wakeup-1-";
const job = (index: number) => `${PREFIX}${String(index).padStart(3, "0")}`;

/** Three wake-ups 10 s apart; `ranAfter[i]` is when job i ran after its wake-up (seconds), undefined if never. */
function wakeupHistory(ranAfter: (number | undefined)[]) {
  const h = new SyntheticHistory();
  h.history.endedAt = T0 + 40_000;
  const waves = ranAfter.map((_, index) => ({ job: job(index), releasedAt: T0 + index * 10_000 }));
  h.history.cronWakeups = { prefix: PREFIX, everySeconds: 10, waves };
  const runs: CronRun[] = ranAfter.flatMap((after, index) => (after === undefined ? [] : [{ job: job(index), at: T0 + index * 10_000 + after * 1000 }]));
  h.final([], { cronRuns: [...runs, { job: "lab-cron-other", at: T0 + 1_000 }] });
  return h.history;
}

describe("checkCronWakeup", () => {
  it("passes when every woken job ran within the bound, measuring release to first run", () => {
    const result = checkCronWakeup(wakeupHistory([0.4, 0.2, 1.1]));
    expect(result.ok).toBe(true);
    expect(result.metrics).toEqual({ waves: 3, late: 0, missed: 0, medianSeconds: 0.4, maxSeconds: 1.1 });
  });

  it("reports the wake-ups the workers did not hear: a job run at their next poll, and one never run (late until the final check)", () => {
    // Final check at T0 + 41 s: job 2, woken at T0 + 20 s, had waited 21 s by then.
    const result = checkCronWakeup(wakeupHistory([0.3, 45, undefined]));
    expect(result.ok).toBe(false);
    expect(result.metrics).toEqual({ waves: 3, late: 2, missed: 1, medianSeconds: 21, maxSeconds: 45 });
    expect(result.counterexamples).toEqual([expect.stringMatching(/^lab-wakeup-1-001, woken at t\+10\.00s .* ran 45\.0 s later \(> 5 s\): the workers did not hear/), expect.stringMatching(/^lab-wakeup-1-002, woken at t\+20\.00s .* had not run 21\.0 s later/)]);
    expect(checkCronWakeup(wakeupHistory([0.3, 45, undefined]), { withinSeconds: 30 }).metrics.late).toBe(1);
  });

  it("fails, saying why, without wake-ups, without a final check, or when none was released", () => {
    const history = wakeupHistory([0.5]);
    expect(checkCronWakeup({ ...history, cronWakeups: undefined }).summary).toMatch(/made no cron wake-ups/);
    expect(checkCronWakeup({ ...history, finalState: undefined }).summary).toMatch(/no final verification/);
    const unreleased = { ...history, cronWakeups: { prefix: PREFIX, everySeconds: 10, waves: [{ job: job(0), error: "connection refused" }] } };
    expect(checkCronWakeup(unreleased)).toMatchObject({ ok: false, summary: "no wake-up was released: lab-wakeup-1-000: connection refused" });
  });

  it("is planned for a run that made wake-ups, and only then", () => {
    const names = (history: ReturnType<typeof wakeupHistory>) => plannedCheckers(planOfHistory(history)).map((checker) => checker.name);
    const history = wakeupHistory([0.5]);
    expect(names(history)).toContain("cron-wakeup");
    expect(names({ ...history, cronWakeups: undefined })).not.toContain("cron-wakeup");
  });
});
