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

  it("takes one instant that sees a move half done (old and new holder, between the two alone) for the handover it is", () => {
    const h = new SyntheticHistory()
      .probe("vip-holders", 0, { holders: ["lb2"] })
      .probe("vip-holders", 250, { holders: ["lb1", "lb2"] })
      .probe("vip-holders", 500, { holders: ["lb1"] });
    expect(checkSingleVipHolder(h.history)).toMatchObject({ ok: true, metrics: { violations: 0, handoverInstants: 1, holderChanges: 1 } });
  });

  it("still fails when two hold it at two instants in a row, or around the same holder", () => {
    const twice = new SyntheticHistory()
      .probe("vip-holders", 0, { holders: ["lb2"] })
      .probe("vip-holders", 250, { holders: ["lb1", "lb2"] })
      .probe("vip-holders", 500, { holders: ["lb1", "lb2"] })
      .probe("vip-holders", 750, { holders: ["lb1"] });
    expect(checkSingleVipHolder(twice.history)).toMatchObject({ ok: false, metrics: { violations: 2, handoverInstants: 0 } });
    const back = new SyntheticHistory()
      .probe("vip-holders", 0, { holders: ["lb1"] })
      .probe("vip-holders", 250, { holders: ["lb1", "lb2"] })
      .probe("vip-holders", 500, { holders: ["lb1"] });
    expect(checkSingleVipHolder(back.history)).toMatchObject({ ok: false, metrics: { violations: 1 } });
  });

  it("fails without samples", () => {
    expect(checkSingleVipHolder(new SyntheticHistory().history).ok).toBe(false);
  });
});
