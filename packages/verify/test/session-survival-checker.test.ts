import { describe, expect, it } from "vitest";
import { checkSessionSurvival } from "../src/checkers/session-survival-checker.ts";
import { SyntheticHistory } from "./synthetic-history.ts";

describe("checkSessionSurvival", () => {
  it("passes when the same session keeps working after an app node is lost", () => {
    const h = new SyntheticHistory().fault("kill-odoo1", 10_000, 15_000).series("odoo.session.call", 0, 30_000, 500, (at) => (at === 10_000 ? "indeterminate" : "ok"), () => ({ key: "a1b2c3" }));
    const result = checkSessionSurvival(h.history);
    expect(result.ok).toBe(true);
    expect(result.metrics).toMatchObject({ failedAfterFault: 1, sessionExpired: 0, sessions: 1 });
  });

  it("fails on 'Session expired' and names the operations", () => {
    const h = new SyntheticHistory()
      .fault("kill-odoo1", 10_000, 15_000)
      .series("odoo.session.call", 0, 30_000, 500, (at) => (at >= 10_000 ? "fail" : "ok"), (at) => ({ key: "a1b2c3", ...(at >= 10_000 ? { error: "odoo.http.SessionExpiredException: Session expired" } : {}) }));
    const result = checkSessionSurvival(h.history);
    expect(result.ok).toBe(false);
    expect(result.metrics.sessionExpired).toBe(40);
    expect(result.counterexamples[0]).toMatch(/no session call succeeded after the last failure/);
    expect(result.counterexamples[1]).toMatch(/^op 21 at t\+10\.00s .*Session expired/);
  });

  it("fails when the session changed, or the failures exceed the budget", () => {
    const h = new SyntheticHistory().fault("f", 10_000, 12_000).series("odoo.session.call", 0, 30_000, 1000, (at) => (at === 11_000 ? "fail" : "ok"), (at) => ({ key: at < 12_000 ? "old" : "new" }));
    expect(checkSessionSurvival(h.history).counterexamples).toEqual(["2 different sessions used: old, new"]);
    expect(checkSessionSurvival(h.history, { allowRotation: true }).ok).toBe(true);
    expect(checkSessionSurvival(h.history, { allowRotation: true, maxFailures: 0 }).ok).toBe(false);
  });
});
