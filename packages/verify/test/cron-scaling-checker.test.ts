import { describe, expect, it } from "vitest";
import { checkCronScaling } from "../src/checkers/cron-scaling-checker.ts";
import type { CronRun } from "../src/history.ts";
import { SyntheticHistory, T0 } from "./synthetic-history.ts";

const PREFIX = "lab-backlog-1-";
const job = (index: number) => `${PREFIX}${String(index).padStart(5, "0")}`;

/**
 * Three 40 s phases with 1, 2 and 4 workers, each worker running one 0.5 s job after the other
 * from its phase's start; jobs are taken from the queue in order.
 */
function scaledHistory(options: { jobs?: number; workersPerPhase?: number[] } = {}) {
  const workersPerPhase = options.workersPerPhase ?? [1, 2, 4];
  const h = new SyntheticHistory();
  h.history.endedAt = T0 + 130_000;
  h.history.marks = [
    ...workersPerPhase.map((workers, phase) => ({ label: String(workers), at: T0 + phase * 40_000 })),
    { label: "end", at: T0 + workersPerPhase.length * 40_000 },
  ];
  const runs: CronRun[] = [];
  let next = 0;
  workersPerPhase.forEach((workers, phase) => {
    for (let at = phase * 40_000; at < (phase + 1) * 40_000; at += 500) {
      for (let worker = 1; worker <= workers; worker++) runs.push({ job: job(next++), at: T0 + at, worker: `cron${worker}/${100 + worker}` });
    }
  });
  h.history.cronBacklog = { prefix: PREFIX, jobs: options.jobs ?? 1000, workSeconds: 0.5, createdAt: T0 - 5_000, releasedAt: T0 };
  // A marker of another job (not the backlog's) is not counted.
  h.final([], { cronRuns: [...runs, { job: "lab-cron-other", at: T0 + 10_000 }] });
  return { h, runs };
}

describe("checkCronScaling", () => {
  it("measures each phase's throughput after its settle time, the speedup over the first phase, and no duplicate", () => {
    const { h, runs } = scaledHistory();
    const result = checkCronScaling(h.history);
    expect(result.ok).toBe(true);
    // Phase "1": runs at 5.0 .. 39.5 s = 70 runs in 35 s.
    expect(result.metrics).toMatchObject({ jobs: 1000, runs: runs.length, jobsRun: runs.length, duplicates: 0, "runs:1": 70, "throughput:1": 2, "workers:1": 1, "throughput:2": 4, "workers:2": 2, "throughput:4": 8, "workers:4": 4 });
    expect(result.metrics["speedup:2"]).toBe(2);
    expect(result.metrics["speedup:4"]).toBe(4);
    expect(result.metrics).not.toHaveProperty("throughput:end");
    expect(result.summary).toMatch(/0 duplicate\(s\); throughput 1: 2\.00\/s \(1 worker\), 2: 4\.00\/s \(2 workers\), 4: 8\.00\/s \(4 workers\)/);
  });

  it("measures a phase only once its last worker to start has run a job", () => {
    const { h } = scaledHistory();
    // cron2 joins phase "2" (40 s to 80 s) only at 52 s: 12 s of start-up, past the 5 s settle time.
    const final = h.history.finalState!;
    final.cronRuns = final.cronRuns.filter((run) => !(run.worker === "cron2/102" && run.at >= T0 + 40_000 && run.at < T0 + 52_000));
    const result = checkCronScaling(h.history);
    expect(result.ok).toBe(true);
    expect(result.metrics["measuredSeconds:2"]).toBe(28);
    expect(result.metrics["runs:2"]).toBe(112);
    expect(result.metrics["throughput:2"]).toBe(4);
    expect(result.metrics["measuredSeconds:1"]).toBe(35);
  });

  it("counts the settle time given", () => {
    const { h } = scaledHistory();
    expect(checkCronScaling(h.history, { settleSeconds: 0 }).metrics["runs:1"]).toBe(80);
  });

  it("names a job run twice, when and on which workers", () => {
    const { h } = scaledHistory();
    // Job 200 ran at 70 s on cron1 (phase "2"); the same call again on cron2 a second later.
    h.history.finalState!.cronRuns.push({ job: job(200), at: T0 + 71_000, worker: "cron2/102" });
    const result = checkCronScaling(h.history);
    expect(result.ok).toBe(false);
    expect(result.metrics.duplicates).toBe(1);
    expect(result.counterexamples).toHaveLength(1);
    expect(result.counterexamples[0]).toMatch(/^lab-backlog-1-00200 \(one scheduled call\) ran 2 times: t\+70\.00s .* on cron1\/101, t\+71\.00s .* on cron2\/102$/);
  });

  it("fails when the backlog ran out before the last phase ended: the workers were idle", () => {
    const { h } = scaledHistory({ jobs: 500 });
    h.history.finalState!.cronRuns = h.history.finalState!.cronRuns.filter((run) => !run.job.startsWith(PREFIX) || Number(run.job.slice(PREFIX.length)) < 500);
    const result = checkCronScaling(h.history);
    expect(result.ok).toBe(false);
    expect(result.metrics.duplicates).toBe(0);
    expect(result.counterexamples[0]).toMatch(/the backlog of 500 jobs ran out at t\+\d+\.\d+s .*before the last phase ended/);
  });

  it("fails on a phase without any run", () => {
    const { h } = scaledHistory({ workersPerPhase: [1, 0, 4] });
    const result = checkCronScaling(h.history);
    expect(result.ok).toBe(false);
    expect(result.metrics["throughput:0"]).toBe(0);
    expect(result.counterexamples[0]).toMatch(/phase '0' .* saw no cron run/);
  });

  it("fails without a backlog, its release, a final verification or two marks, saying which", () => {
    const { h } = scaledHistory();
    expect(checkCronScaling({ ...h.history, cronBacklog: undefined }).summary).toMatch(/no cron backlog/);
    expect(checkCronScaling({ ...h.history, cronBacklog: { ...h.history.cronBacklog!, releasedAt: undefined } }).summary).toMatch(/never made due/);
    expect(checkCronScaling({ ...h.history, finalState: undefined }).ok).toBe(false);
    expect(checkCronScaling({ ...h.history, marks: [{ label: "1", at: T0 }] }).summary).toMatch(/1 mark\(s\)/);
  });
});
