import { describe, expect, it } from "vitest";
import { alertsMetrics, checkAlerts } from "../src/checkers/alerts-checker.ts";
import { checkHistory } from "../src/checkers/check-history.ts";
import { SyntheticHistory } from "./synthetic-history.ts";

const RULES = ["OdooNodeDown", "PatroniPrimaryMissing"];

/** Samples every 500 ms from `from` to `to` (exclusive) with the same alerts. */
function sampled(history: SyntheticHistory, from: number, to: number, firing: string[], pending: string[] = []): SyntheticHistory {
  for (let at = from; at < to; at += 500) history.probe("alerts", at, { firing, pending });
  return history;
}

describe("checkAlerts", () => {
  it("measures when an alert fired after the fault and when it resolved after the heal", () => {
    const h = new SyntheticHistory().fault("kill-odoo1", 4_000, 14_000);
    sampled(h, 0, 6_000, []);
    sampled(h, 6_000, 8_000, [], ["OdooNodeDown (odoo1)"]);
    sampled(h, 8_000, 17_000, ["OdooNodeDown (odoo1)"]);
    sampled(h, 17_000, 20_000, []);
    const result = checkAlerts(h.history, RULES);
    expect(result).toMatchObject({ ok: true, metrics: { firingSteady: 0, firingAtEnd: 0, "OdooNodeDown.firings": 1, "OdooNodeDown.firedAfterSeconds": 4, "OdooNodeDown.resolvedAfterSeconds": 3, "PatroniPrimaryMissing.firings": 0 } });
    // A rule that never fired has no figure: a budget on it fails, naming the checker's summary.
    expect(result.metrics["PatroniPrimaryMissing.firedAfterSeconds"]).toBeUndefined();
    expect(result.summary).toBe("no alert in the steady state; OdooNodeDown fired 4.0 s after kill-odoo1, resolved 3.0 s after its heal");
  });

  it("fails on an alert firing in the steady state, and on one still active at the end", () => {
    const steady = sampled(new SyntheticHistory().fault("f", 4_000, 8_000), 0, 10_000, ["BalancerDown (lb2)"]);
    const result = checkAlerts(steady.history, RULES);
    expect(result.ok).toBe(false);
    expect(result.metrics).toMatchObject({ firingSteady: 1, firingAtEnd: 1 });
    expect(result.counterexamples[0]).toBe("BalancerDown (lb2) fired in the steady state (before t+4.00s (2026-11-21T10:00:04.000Z))");

    const unresolved = sampled(sampled(new SyntheticHistory().fault("f", 2_000, 6_000), 0, 3_000, []), 3_000, 10_000, ["PatroniPrimaryMissing"]);
    const open = checkAlerts(unresolved.history, RULES);
    expect(open).toMatchObject({ ok: false, metrics: { firingSteady: 0, firingAtEnd: 1, "PatroniPrimaryMissing.firedAfterSeconds": 1 } });
    expect(open.metrics["PatroniPrimaryMissing.resolvedAfterSeconds"]).toBeUndefined();
    expect(open.summary).toContain("PatroniPrimaryMissing fired 1.0 s after f, STILL ACTIVE at the end");
  });

  it("times an alert from the fault that caused it: the last one injected before it fired", () => {
    // A VIP handed over first (no alert), then the balancer killed (healed at 20 s).
    const h = new SyntheticHistory().fault("vip-to-lb1", 2_000, 3_000).fault("kill-lb1", 8_000, 20_000);
    sampled(h, 0, 10_000, []);
    sampled(h, 10_000, 21_000, ["BalancerDown (lb1)"]);
    sampled(h, 21_000, 25_000, []);
    expect(checkAlerts(h.history, ["BalancerDown"]).metrics).toMatchObject({ "BalancerDown.firedAfterSeconds": 2, "BalancerDown.resolvedAfterSeconds": 1 });
  });

  it("counts a resolution before the heal as 0 s after it, and cannot tell without a sample", () => {
    const h = new SyntheticHistory().fault("f", 1_000, 9_000);
    sampled(h, 0, 2_000, []);
    sampled(h, 2_000, 4_000, ["OdooNodeDown (odoo2)"]);
    sampled(h, 4_000, 12_000, []);
    expect(checkAlerts(h.history, RULES).metrics["OdooNodeDown.resolvedAfterSeconds"]).toBe(0);
    // Fired, stopped, fired again: two firings, timed from the first.
    sampled(h, 12_000, 13_000, ["OdooNodeDown (odoo2)"]);
    sampled(h, 13_000, 14_000, []);
    expect(checkAlerts(h.history, RULES).metrics).toMatchObject({ "OdooNodeDown.firings": 2, "OdooNodeDown.firedAfterSeconds": 1 });
    expect(checkAlerts(new SyntheticHistory().fault("f", 1_000, 2_000).history, RULES)).toMatchObject({ ok: false, summary: "no alerts sample: no monitor answered, cannot tell" });
  });

  it("is a checker of every run that sampled alerts, with a pair of metrics per rule of the lab", () => {
    const h = sampled(new SyntheticHistory().fault("f", 1_000, 2_000), 0, 3_000, []);
    h.history.alertRules = RULES;
    expect(checkHistory(h.history).map((result) => result.name)).toContain("alerts");
    expect(alertsMetrics(RULES)).toEqual([
      "firingSteady",
      "firingAtEnd",
      "OdooNodeDown.firings",
      "OdooNodeDown.firedAfterSeconds",
      "OdooNodeDown.resolvedAfterSeconds",
      "PatroniPrimaryMissing.firings",
      "PatroniPrimaryMissing.firedAfterSeconds",
      "PatroniPrimaryMissing.resolvedAfterSeconds",
    ]);
  });
});
