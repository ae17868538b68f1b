import { describe, expect, it } from "vitest";
import { checkLatency } from "../src/checkers/latency-checker.ts";
import { SyntheticHistory } from "./synthetic-history.ts";

describe("checkLatency", () => {
  function history(steadyLatency: (index: number) => number) {
    const h = new SyntheticHistory().fault("kill-leader", 10_000, 15_000);
    for (let index = 0; index < 100; index++) h.op("sql.write", index * 100, "ok", {}, steadyLatency(index));
    for (let index = 0; index < 50; index++) h.op("sql.write", 10_000 + index * 100, index < 20 ? "indeterminate" : "ok", {}, index < 20 ? 2000 : 500);
    return h;
  }

  it("reports p50/p95/p99 in steady state and during the fault, over acknowledged operations", () => {
    const result = checkLatency(history((index) => index + 1).history, "sql.write", { maxFaultP99Ms: 600 });
    expect(result.ok).toBe(true);
    expect(result.metrics).toMatchObject({ steadyP50Ms: 50, steadyP95Ms: 95, steadyP99Ms: 99, steadyCount: 100, faultP50Ms: 500, faultP99Ms: 500, faultCount: 30, faultNotOk: 20 });
  });

  it("fails when the steady-state p99 exceeds its budget, naming the slowest operation", () => {
    const result = checkLatency(history((index) => (index === 10 || index === 11 ? 1500 : 20)).history, "sql.write");
    expect(result.ok).toBe(false);
    expect(result.counterexamples).toEqual(["steady-state p99 1500 ms > budget 1000 ms", "slowest steady op 11: 1500 ms"]);
  });

  it("fails when the fault-window p99 exceeds its budget or there is no steady state", () => {
    expect(checkLatency(history(() => 20).history, "sql.write", { maxFaultP99Ms: 100 }).ok).toBe(false);
    expect(checkLatency(history(() => 20).history, "sql.read").ok).toBe(false);
  });
});
