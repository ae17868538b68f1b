import { describe, expect, it } from "vitest";
import { checkCron } from "../src/checkers/cron-checker.ts";
import { SyntheticHistory, T0 } from "./synthetic-history.ts";

const MINUTE = 60_000;

describe("checkCron", () => {
  function runs(job: string, minutes: number[]) {
    return minutes.map((m) => ({ job, at: T0 + m * MINUTE }));
  }
  function tenMinutes() {
    const h = new SyntheticHistory();
    h.history.endedAt = T0 + 10 * MINUTE;
    return h;
  }

  it("passes when each job runs once per slot, including a late catch-up run after an outage", () => {
    const h = tenMinutes().final([], { checkedAt: T0 + 10 * MINUTE, cronRuns: [...runs("lab-cron-a", [0.5, 1.5, 2.5, 4.2, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5]), ...runs("lab-cron-b", [1, 3, 5, 7, 9])] });
    const result = checkCron(h.history, { jobs: [{ name: "lab-cron-a", intervalMs: MINUTE }, { name: "lab-cron-b", intervalMs: 2 * MINUTE }] });
    expect(result.ok).toBe(true);
    expect(result.metrics).toMatchObject({ doubleRuns: 0, starvedGaps: 0, "runs:lab-cron-a": 10, "runs:lab-cron-b": 5 });
  });

  it("names a slot run twice", () => {
    const h = tenMinutes().final([], { cronRuns: runs("lab-cron-a", [0.5, 1.5, 1.51, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5]) });
    const result = checkCron(h.history, { jobs: [{ name: "lab-cron-a", intervalMs: MINUTE }] });
    expect(result.ok).toBe(false);
    expect(result.metrics.doubleRuns).toBe(1);
    expect(result.counterexamples[0]).toMatch(/lab-cron-a ran twice in one slot: t\+90\.00s .* and t\+90\.60s .*\(0\.6 s apart < 15 s\)/);
  });

  it("names a starved stretch, also one with no run at all", () => {
    const h = tenMinutes().final([], { cronRuns: runs("lab-cron-a", [0.5, 1.5, 6.5, 7.5, 8.5, 9.5]) });
    const result = checkCron(h.history, { jobs: [{ name: "lab-cron-a", intervalMs: MINUTE }, { name: "lab-cron-never", intervalMs: MINUTE }] });
    expect(result.ok).toBe(false);
    expect(result.metrics.starvedGaps).toBe(2);
    expect(result.counterexamples[0]).toMatch(/lab-cron-a starved: no run from t\+90\.00s .* to t\+390\.00s .* \(300 s > 180 s\)/);
    expect(result.counterexamples[1]).toMatch(/lab-cron-never starved: no run from t\+0\.00s/);
  });

  it("fails without the runs of a final verification", () => {
    expect(checkCron(new SyntheticHistory().history, { jobs: [{ name: "x", intervalMs: MINUTE }] }).ok).toBe(false);
  });
});
