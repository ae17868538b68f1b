import { describe, expect, it } from "vitest";
import { checkSingleVipHolder } from "../src/checkers/single-vip-holder-checker.ts";
import { SyntheticHistory } from "./synthetic-history.ts";

describe("checkSingleVipHolder", () => {
  it("passes when the VIP moves from one holder to the other, counting the gap and the change", () => {
    const h = new SyntheticHistory().probe("vip-holders", 0, { holders: ["lb1"] }).probe("vip-holders", 250, { holders: [] }).probe("vip-holders", 500, { holders: ["lb2"] });
    expect(checkSingleVipHolder(h.history)).toMatchObject({ ok: true, metrics: { samples: 3, violations: 0, samplesWithoutHolder: 1, holderChanges: 1 } });
  });

  it("fails at an instant where both hold it", () => {
    const h = new SyntheticHistory().probe("vip-holders", 0, { holders: ["lb1"] }).probe("vip-holders", 2_000, { holders: ["lb1", "lb2"] });
    const result = checkSingleVipHolder(h.history);
    expect(result.ok).toBe(false);
    expect(result.counterexamples).toEqual(["t+2.00s (2026-11-21T10:00:02.000Z): lb1, lb2 all hold the VIP"]);
  });

  it("fails without samples", () => {
    expect(checkSingleVipHolder(new SyntheticHistory().history).ok).toBe(false);
  });
});
