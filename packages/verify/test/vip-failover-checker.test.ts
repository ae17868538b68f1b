import { describe, expect, it } from "vitest";
import { checkVipFailover } from "../src/checkers/vip-failover-checker.ts";
import type { History } from "../src/history.ts";

const T0 = 1_000_000;
function history(holdersOverTime: [number, string[]][], faultAt = 2000): History {
  return {
    lab: "t",
    scenario: "s",
    startedAt: T0,
    endedAt: T0 + 10_000,
    operations: [],
    probes: holdersOverTime.map(([at, holders]) => ({ probe: "vip-holders" as const, at: T0 + at, value: { holders, tookMs: 0 } })),
    faults: [{ id: "f1", description: "kill node lb1", injectedAt: T0 + faultAt }],
  };
}

describe("vip-failover checker", () => {
  it("measures the time from the fault to the first sample with the other holder", () => {
    const result = checkVipFailover(history([[0, ["lb1"]], [1750, ["lb1"]], [2250, []], [2500, []], [4750, ["lb2"]], [5000, ["lb2"]]]));
    expect(result.metrics).toEqual({ seconds: 2.75, moves: 1 });
    expect(result.summary).toContain("VIP lb1 → lb2 in 2.75 s");
  });

  it("charges a move to the fault injected last before it, not to an earlier one the VIP stayed through", () => {
    // Fault 1 (keepalived stopped on lb1 while lb2 already held the VIP) moves nothing; fault 2 (lb2 killed) moves it.
    const result = checkVipFailover({
      ...history([[0, ["lb2"]], [2500, ["lb2"]], [5000, ["lb2"]], [6250, []], [6750, ["lb1"]]]),
      faults: [
        { id: "f1", description: "stop service keepalived on lb1", injectedAt: T0 + 2000, healedAt: T0 + 3000 },
        { id: "f2", description: "kill node lb2", injectedAt: T0 + 6000 },
      ],
    });
    expect(result.metrics).toEqual({ seconds: 0.75, moves: 1 });
    expect(result.summary).toContain("fault f1 (stop service keepalived on lb1): VIP stayed on lb2");
    expect(result.summary).toContain("fault f2 (kill node lb2): VIP lb2 → lb1 in 0.75 s");
  });

  it("measures nothing when the VIP never moved, so a budget on seconds fails", () => {
    const result = checkVipFailover(history([[0, ["lb1"]], [3000, ["lb1"]], [6000, ["lb1"]]]));
    expect(result.metrics).toEqual({ moves: 0 });
    expect(result.summary).toContain("VIP stayed on lb1");
  });
});
