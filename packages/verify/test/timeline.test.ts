import { describe, expect, it } from "vitest";
import { buildTimeline } from "../src/report/timeline.ts";
import { SyntheticHistory } from "./synthetic-history.ts";

describe("buildTimeline", () => {
  it("marks leader and VIP changes (not the initial state), shades faults and counts outcomes per bucket", () => {
    const h = new SyntheticHistory().fault("kill-postgresql1", 10_000, 14_000);
    h.series("sql.write", 0, 20_000, 500, (at) => (at >= 10_000 && at < 13_000 ? "fail" : "ok"));
    for (let at = 0; at < 20_000; at += 1_000) {
      h.probe("patroni-leader", at, { leader: at < 12_000 ? "postgresql1" : at < 13_000 ? null : "postgresql2" });
      h.probe("vip-holders", at, { holders: ["lb1"] });
    }
    h.probe("patroni-leader", 15_500, { error: "probe did not answer" });
    const data = buildTimeline(h.history, [], 1_000);
    expect(data.initial).toEqual({ leader: "postgresql1", vipHolders: "lb1" });
    expect(data.markers).toEqual([
      { at: 12, kind: "leader", label: "leader: none" },
      { at: 13, kind: "leader", label: "leader: postgresql2" },
    ]);
    expect(data.faults).toEqual([{ id: "kill-postgresql1", description: "synthetic kill-postgresql1", from: 10, to: 14, healed: true }]);
    expect(data.buckets.fail.slice(9, 14)).toEqual([0, 2, 2, 2, 0]);
    expect(data.buckets.ok.reduce((a, b) => a + b, 0)).toBe(34);
    expect(data.counts).toEqual([{ kind: "sql.write", ok: 34, fail: 6, indeterminate: 0 }]);
  });
});
