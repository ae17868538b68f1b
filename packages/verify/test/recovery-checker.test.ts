import { describe, expect, it } from "vitest";
import { checkRecovery } from "../src/checkers/recovery-checker.ts";
import { SyntheticHistory } from "./synthetic-history.ts";

describe("checkRecovery", () => {
  it("measures the outage from the first failure to the first success after which all succeed", () => {
    // Fault at 10 s; writes fail 10.2–18 s (one success in the middle is not a recovery), steady from 18.2 s.
    const h = new SyntheticHistory()
      .fault("kill-leader", 10_000, 12_000)
      .series("sql.write", 0, 30_000, 200, (at) => (at >= 10_200 && at < 18_200 && at !== 14_000 ? (at % 1000 === 0 ? "indeterminate" : "fail") : "ok"));
    const result = checkRecovery(h.history, "sql.write", { maxOutageSeconds: 30 });
    expect(result.ok).toBe(true);
    expect(result.metrics.outageSeconds).toBeCloseTo(18.21 - 10.2, 2);
    expect(result.metrics.recoverySecondsFromFault).toBeCloseTo(8.21, 2);
    expect(result.metrics.failed! + result.metrics.indeterminate!).toBe(39);
    expect(result.metrics.indeterminate).toBe(7); // 11, 12, 13, 15, 16, 17, 18 s
    expect(result.metrics.failedWhileFaulted! + result.metrics.indeterminateWhileFaulted!).toBe(9); // invoked 10.2–11.8 s
    expect(result.metrics.failedBeforeFault).toBe(0);
  });

  it("fails when the kind never recovers, naming the last failing operation", () => {
    const h = new SyntheticHistory().fault("kill-leader", 10_000).series("sql.write", 0, 30_000, 500, (at) => (at >= 10_000 && at !== 29_500 ? "fail" : "ok"), () => ({ error: "connect: ECONNREFUSED" }));
    const result = checkRecovery(h.history, "sql.write");
    expect(result.ok).toBe(false);
    expect(result.metrics.recovered).toBe(0);
    expect(result.counterexamples[0]).toMatch(/did not recover: first failure op 21 .* last failure op 59 /);
  });

  it("fails when the outage exceeds the budget", () => {
    const h = new SyntheticHistory().fault("kill-leader", 5_000, 6_000).series("odoo.login", 0, 30_000, 250, (at) => (at >= 5_000 && at < 25_000 ? "fail" : "ok"));
    const result = checkRecovery(h.history, "odoo.login", { maxOutageSeconds: 10 });
    expect(result.ok).toBe(false);
    expect(result.metrics.outageSeconds).toBeCloseTo(20.01, 2);
    expect(result.counterexamples[0]).toMatch(/outage 20\.0 s > budget 10 s/);
  });

  it("reports zero outage when nothing failed, and fails when nothing was measured", () => {
    const quiet = new SyntheticHistory().fault("f", 10_000, 12_000).series("sql.read", 0, 30_000, 1000, () => "ok");
    expect(checkRecovery(quiet.history, "sql.read")).toMatchObject({ ok: true, metrics: { outageSeconds: 0, failed: 0 } });
    expect(checkRecovery(quiet.history, "sql.write").ok).toBe(false);
  });
});

describe("operations across two faults", () => {
  it("charges an operation still running when the next fault is injected to that fault", () => {
    const T0 = 1_000_000;
    // Uploads every 250 ms taking 400 ms. Fault 1 (at 5 s) disturbs nothing; fault 2 (at 10 s) breaks
    // uploads until 20 s, including the two invoked at 9.75 s and 9.5 s, still running at 10 s.
    const operations = Array.from({ length: 120 }, (_, index) => {
      const invokedAt = T0 + index * 250;
      const broken = invokedAt + 400 > T0 + 10_000 && invokedAt < T0 + 20_000;
      return { id: index, kind: "odoo.attachment.upload" as const, invokedAt, completedAt: invokedAt + 400, outcome: (broken ? "fail" : "ok") as "ok" | "fail" };
    });
    const history = {
      lab: "t",
      scenario: "s",
      startedAt: T0,
      endedAt: T0 + 30_000,
      operations,
      probes: [],
      faults: [
        { id: "f1", description: "stop service keepalived on lb1", injectedAt: T0 + 5_000, healedAt: T0 + 6_000 },
        { id: "f2", description: "kill node lb2", injectedAt: T0 + 10_000, healedAt: T0 + 18_000 },
      ],
    };
    const result = checkRecovery(history, "odoo.attachment.upload");
    expect(result.ok).toBe(true);
    expect(result.metrics.recovered).toBe(1);
    expect(result.summary).toContain("fault f1: no odoo.attachment.upload failed");
    expect(result.summary).toMatch(/fault f2: odoo\.attachment\.upload out for 10\.[0-9] s \(ops 39\.\.79/);
    expect(result.metrics.failed).toBe(41);
  });
});

describe("failover within the fault", () => {
  it("measures recovery while the fault is still in place, apart from what the heal disturbs", async () => {
    const { checkRecovery } = await import("../src/checkers/recovery-checker.ts");
    const T0 = 1_000_000;
    // One write per second: killed at t=10, back at t=17, healed at t=25, a hiccup at t=30 from the rejoin.
    const outcomeAt = (t: number) => (t >= 10 && t < 17) || t === 30 ? "fail" : "ok";
    const operations = Array.from({ length: 40 }, (_, t) => ({ id: t, kind: "sql.write" as const, invokedAt: T0 + t * 1000, completedAt: T0 + t * 1000 + 50, outcome: outcomeAt(t) as "ok" | "fail" }));
    const history = { lab: "t", scenario: "s", startedAt: T0, endedAt: T0 + 40_000, operations, probes: [], faults: [{ id: "f", description: "kill", injectedAt: T0 + 10_000, healedAt: T0 + 25_000 }] };
    const result = checkRecovery(history, "sql.write");
    expect(result.metrics.failoverSeconds).toBeCloseTo(7.05);
    expect(result.metrics.failedAfterHeal).toBe(1);
    expect(result.metrics.recoverySecondsFromFault).toBeCloseTo(21.05);
    // Never back while faulted: no failover is measured, so a budget on it fails.
    const down = { ...history, operations: operations.map((op) => ({ ...op, outcome: (op.invokedAt >= T0 + 10_000 && op.invokedAt < T0 + 26_000 ? "fail" : "ok") as "ok" | "fail" })) };
    expect(checkRecovery(down, "sql.write").metrics.failoverSeconds).toBeUndefined();
    // Never out while faulted (a restart between two requests): a failover of 0 s, which any budget meets.
    const untouched = { ...history, operations: operations.map((op) => ({ ...op, outcome: "ok" as const })) };
    expect(checkRecovery(untouched, "sql.write").metrics.failoverSeconds).toBe(0);
    // ...but a kind with too few operations while faulted tells nothing.
    const sparse = { ...history, operations: operations.filter((op) => op.invokedAt < T0 + 10_000 || op.invokedAt >= T0 + 24_000).map((op) => ({ ...op, outcome: "ok" as const })) };
    expect(checkRecovery(sparse, "sql.write").metrics.failoverSeconds).toBeUndefined();
  });

  it("times the failover from when the fault took effect, where its action could tell, not from when its injection began", async () => {
    const { checkRecovery } = await import("../src/checkers/recovery-checker.ts");
    const T0 = 1_000_000;
    // The injection began at t=9.6 and reached the node (the kill) at t=10; writes fail from t=10 to t=17.
    const outcomeAt = (t: number) => (t >= 10 && t < 17 ? "fail" : "ok");
    const operations = Array.from({ length: 40 }, (_, t) => ({ id: t, kind: "sql.write" as const, invokedAt: T0 + t * 1000, completedAt: T0 + t * 1000 + 50, outcome: outcomeAt(t) as "ok" | "fail" }));
    const fault = { id: "f", description: "kill", injectedAt: T0 + 9_600, healedAt: T0 + 25_000 };
    const history = { lab: "t", scenario: "s", startedAt: T0, endedAt: T0 + 40_000, operations, probes: [], faults: [fault] };
    expect(checkRecovery(history, "sql.write").metrics.failoverSeconds).toBeCloseTo(7.45);
    expect(checkRecovery({ ...history, faults: [{ ...fault, landedAt: T0 + 10_000 }] }, "sql.write").metrics.failoverSeconds).toBeCloseTo(7.05);
  });

  it("charges what fails while a slow heal runs (a host powering on) to the heal, not to the fault", async () => {
    const { checkRecovery } = await import("../src/checkers/recovery-checker.ts");
    const T0 = 1_000_000;
    // Killed at t=10, failed over by t=17; the heal (power on) runs from t=25 to t=33 and the
    // returning node disturbs writes at t=28..31.
    const outcomeAt = (t: number) => ((t >= 10 && t < 17) || (t >= 28 && t < 32) ? "fail" : "ok");
    const operations = Array.from({ length: 45 }, (_, t) => ({ id: t, kind: "sql.write" as const, invokedAt: T0 + t * 1000, completedAt: T0 + t * 1000 + 50, outcome: outcomeAt(t) as "ok" | "fail" }));
    const fault = { id: "f", description: "kill", injectedAt: T0 + 10_000, healStartedAt: T0 + 25_000, healedAt: T0 + 33_000 };
    const history = { lab: "t", scenario: "s", startedAt: T0, endedAt: T0 + 45_000, operations, probes: [], faults: [fault] };
    const result = checkRecovery(history, "sql.write");
    expect(result.metrics.failoverSeconds).toBeCloseTo(7.05);
    expect(result.metrics.failedWhileFaulted).toBe(7);
    expect(result.metrics.failedAfterHeal).toBe(4);
    // Without the heal's start, the same history has no failover: the returning node's failures look
    // like the fault's.
    const { healStartedAt: _dropped, ...healedOnly } = fault;
    const unknownStart = checkRecovery({ ...history, faults: [healedOnly] }, "sql.write");
    expect(unknownStart.metrics.failoverSeconds).toBeUndefined();
    expect(unknownStart.metrics.failedWhileFaulted).toBe(11);
  });
});
