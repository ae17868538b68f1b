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

  it("marks the method's phases and draws a cron backlog's runs per second and workers at work", () => {
    const h = new SyntheticHistory();
    h.history.marks = [
      { label: "1", at: h.history.startedAt + 2_000 },
      { label: "end", at: h.history.startedAt + 12_000 },
    ];
    h.history.cronBacklog = { prefix: "lab-backlog-1-", jobs: 100, workSeconds: 1, createdAt: h.history.startedAt };
    const at = (ms: number) => h.history.startedAt + ms;
    h.final([], {
      cronRuns: [
        { job: "lab-backlog-1-00000", at: at(2_500), worker: "cron1/10" },
        { job: "lab-backlog-1-00001", at: at(3_500), worker: "cron1/10" },
        { job: "lab-backlog-1-00002", at: at(6_000), worker: "cron1/10" },
        { job: "lab-backlog-1-00003", at: at(6_100), worker: "cron2/20" },
        { job: "lab-cron-other", at: at(7_000) },
      ],
    });
    const data = buildTimeline(h.history, []);
    expect(data.markers).toEqual([
      { at: 2, kind: "mark", label: "mark 1" },
      { at: 12, kind: "mark", label: "mark end" },
    ]);
    expect(data.probeSeries).toEqual([
      { name: "cron runs/s (backlog)", points: [[0, 0.4], [5, 0.4]] },
      { name: "cron workers at work", points: [[0, 1], [5, 2]] },
    ]);
  });

  it("marks where a slow heal began (a host powering on), and not a quick one", () => {
    const h = new SyntheticHistory().fault("power-off-postgresql1", 10_000, 18_000).fault("isolate-lb1", 19_000, 19_800);
    h.history.faults[0]!.healStartedAt = h.history.startedAt + 15_000;
    h.history.faults[1]!.healStartedAt = h.history.startedAt + 19_500;
    const data = buildTimeline(h.history, []);
    expect(data.markers).toEqual([{ at: 15, kind: "mark", label: "heal of power-off-postgresql1 begins" }]);
  });

  it("lists Odoo's server log lines of the run, a traceback by its first line and its exception, only for a lab with a log database", () => {
    const h = new SyntheticHistory().final([]);
    expect(buildTimeline(h.history, []).serverLog).toBeUndefined();
    const at = h.history.startedAt + 4_500;
    h.final([], {
      serverLog: [
        { at, host: "odoo1", database: "lab", logger: "odoo.http", level: "ERROR", message: "Exception during request handling.\nTraceback (most recent call last):\n  File \"x.py\", line 1\nAttributeError: The method 'res.partner.nope' does not exist\n" },
        { at: at + 1_000, host: null, database: null, logger: "odoo.addons.lab_ha.database_unreachable", level: "WARNING", message: "the database is out of reach" },
      ],
    });
    expect(buildTimeline(h.history, []).serverLog).toEqual([
      { at: 4.5, host: "odoo1", level: "ERROR", logger: "odoo.http", database: "lab", message: "Exception during request handling. … AttributeError: The method 'res.partner.nope' does not exist" },
      { at: 5.5, host: null, level: "WARNING", logger: "odoo.addons.lab_ha.database_unreachable", database: null, message: "the database is out of reach" },
    ]);
  });
  it("draws each alert's stretches, pending then firing, only for a lab with a monitor node", () => {
    const h = new SyntheticHistory().fault("f", 2_000, 8_000);
    expect(buildTimeline(h.history, []).alerts).toBeUndefined();
    h.history.alertRules = ["OdooNodeDown", "BalancerDown"];
    const seen: [number, string[], string[]][] = [
      [0, [], []],
      [3_000, [], ["OdooNodeDown (odoo1)"]],
      [4_000, ["OdooNodeDown (odoo1)"], []],
      [5_000, ["OdooNodeDown (odoo1)"], ["BalancerDown (lb1)"]],
      [9_000, [], []],
      [10_000, [], ["BalancerDown (lb1)"]],
    ];
    for (const [at, firing, pending] of seen) h.probe("alerts", at, { firing, pending });
    expect(buildTimeline(h.history, []).alerts).toEqual([
      { alert: "OdooNodeDown (odoo1)", state: "pending", from: 3, to: 4 },
      { alert: "OdooNodeDown (odoo1)", state: "firing", from: 4, to: 9 },
      { alert: "BalancerDown (lb1)", state: "pending", from: 5, to: 9 },
      // Still pending at the last sample: its stretch ends there.
      { alert: "BalancerDown (lb1)", state: "pending", from: 10, to: 10 },
    ]);
  });
});
