import { describe, expect, it } from "vitest";
import { checkHistory, planOfHistory, plannedCheckers } from "../src/checkers/check-history.ts";
import { OPERATION_KINDS, type CronRun } from "../src/history.ts";
import { read, SyntheticHistory, T0 } from "./synthetic-history.ts";

/** A run with every operation kind, the probes the checkers read, a cron backlog in two phases, and a failover. */
function everyCheckerRun() {
  const h = new SyntheticHistory().fault("kill-postgresql1", 10_000, 14_000);
  for (const kind of OPERATION_KINDS) {
    h.series(kind, 0, 30_000, 500, (at) => (at >= 10_000 && at < 13_000 ? "fail" : "ok"), (at) => ({ key: kind === "odoo.attachment.upload" ? `${at}`.padStart(40, "0") : `${kind}-${at}`, value: String(at) }));
  }
  for (let at = 0; at < 30_000; at += 250) {
    h.probe("writable-primaries", at, { writable: at < 10_000 ? ["postgresql1"] : ["postgresql2"], readOnly: [], unreachable: [] });
    h.probe("vip-holders", at, { holders: at < 20_000 ? ["lb1"] : ["lb2"] });
  }
  h.history.marks = [{ label: "one", at: T0 }, { label: "two", at: T0 + 15_000 }, { label: "end", at: T0 + 30_000 }];
  h.history.cronBacklog = { prefix: "lab-backlog-1-", jobs: 100, workSeconds: 0.5, createdAt: T0 - 1_000, releasedAt: T0 };
  const cronRuns: CronRun[] = Array.from({ length: 60 }, (_, index) => ({ job: `lab-backlog-1-${index}`, at: T0 + 6_000 + index * 400, worker: "cron1/1" }));
  const writes = h.history.operations.filter((op) => op.outcome === "ok" && ["sql.write", "odoo.partner.write", "odoo.attachment.upload"].includes(op.kind));
  h.final(writes.flatMap((op) => (op.kind === "odoo.attachment.upload" ? [read(op, "odoo1", "present", "app"), read(op, "odoo2", "present", "app"), read(op, "postgresql2", "present")] : [read(op, "postgresql2", "present")])), { cronRuns });
  return h.history;
}

describe("the checkers a run gets", () => {
  const history = everyCheckerRun();
  const cronJobs = [{ name: "lab-cron-tick", intervalMs: 60_000 }];
  const results = checkHistory(history, { cronJobs });
  const planned = plannedCheckers(planOfHistory(history, { cronJobs }));

  it("are, in order: recovery and latency per kind run, then one per property the run can show", () => {
    expect(results.map((result) => result.name)).toEqual([
      ...OPERATION_KINDS.map((kind) => `recovery:${kind}`),
      ...OPERATION_KINDS.map((kind) => `latency:${kind}`),
      "lost-writes",
      "split-brain",
      "single-vip-holder",
      "vip-failover",
      "session-survival",
      "odoo-errors",
      "browser",
      "attachments-readable",
      "cron",
      "cron-scaling",
    ]);
  });

  it("report only metrics their plan declares (the names budgets are checked against before a run)", () => {
    for (const [index, result] of results.entries()) {
      const undeclared = Object.keys(result.metrics).filter((metric) => !planned[index]!.metrics.includes(metric));
      expect({ checker: result.name, undeclared }).toEqual({ checker: result.name, undeclared: [] });
    }
  });

  it("name a cron-scaling phase's metrics after its mark, the last mark ending the last phase", () => {
    const scaling = planned.find((checker) => checker.name === "cron-scaling")!;
    expect(scaling.metrics).toEqual(expect.arrayContaining(["throughput:one", "throughput:two", "speedup:two"]));
    expect(scaling.metrics).not.toContain("speedup:one");
    expect(scaling.metrics).not.toContain("throughput:end");
  });
});
