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
    probes: holdersOverTime.map(([at, holders]) => ({ probe: "vip-holders" as const, at: T0 + at, value: { holders } })),
    faults: [{ id: "f1", description: "kill node lb1", injectedAt: T0 + faultAt }],
  };
}

describe("vip-failover checker", () => {
  it("measures the time from the fault to the first sample with the other holder", () => {
    const result = checkVipFailover(history([[0, ["lb1"]], [1750, ["lb1"]], [2250, []], [2500, []], [4750, ["lb2"]], [5000, ["lb2"]]]));
    expect(result.metrics).toEqual({ seconds: 2.75, moves: 1 });
    expect(result.summary).toContain("VIP lb1 → lb2 in 2.75 s");
  });

  it("measures nothing when the VIP never moved, so a budget on seconds fails", () => {
    const result = checkVipFailover(history([[0, ["lb1"]], [3000, ["lb1"]], [6000, ["lb1"]]]));
    expect(result.metrics).toEqual({ moves: 0 });
    expect(result.summary).toContain("VIP stayed on lb1");
  });
});
