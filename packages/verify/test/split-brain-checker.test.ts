import { describe, expect, it } from "vitest";
import { checkSplitBrain } from "../src/checkers/split-brain-checker.ts";
import { SyntheticHistory } from "./synthetic-history.ts";

describe("checkSplitBrain", () => {
  const sample = (writable: string[], unreachable: string[] = []) => ({ writable, readOnly: [], unreachable });

  it("passes with at most one writable primary per instant, none during failover included", () => {
    const h = new SyntheticHistory().probe("writable-primaries", 0, sample(["postgresql1"])).probe("writable-primaries", 250, sample([], ["postgresql1"])).probe("writable-primaries", 500, sample(["postgresql2"], ["postgresql1"]));
    const result = checkSplitBrain(h.history);
    expect(result.ok).toBe(true);
    expect(result.metrics).toMatchObject({ samples: 3, violations: 0, samplesWithoutPrimary: 1, samplesWithUnreachableNode: 2 });
  });

  it("names the instants and the nodes when two accept writes", () => {
    const h = new SyntheticHistory().probe("writable-primaries", 0, sample(["postgresql1"])).probe("writable-primaries", 1_250, sample(["postgresql1", "postgresql2"])).probe("writable-primaries", 1_500, sample(["postgresql2"]));
    const result = checkSplitBrain(h.history);
    expect(result.ok).toBe(false);
    expect(result.metrics.maxWritable).toBe(2);
    expect(result.counterexamples).toEqual(["t+1.25s (2026-11-21T10:00:01.250Z): postgresql1, postgresql2 all accept writes"]);
  });

  it("fails without samples: split brain cannot be ruled out", () => {
    const h = new SyntheticHistory().probe("writable-primaries", 0, { error: "probe did not answer" });
    expect(checkSplitBrain(h.history).ok).toBe(false);
  });
});
