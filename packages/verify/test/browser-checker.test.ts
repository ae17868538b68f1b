import { describe, expect, it } from "vitest";
import { checkBrowser } from "../src/checkers/browser-checker.ts";
import type { BrowserShown } from "../src/history.ts";
import { SyntheticHistory } from "./synthetic-history.ts";

const whole: BrowserShown = { broken: [], dialogs: [], notices: [], loggedOut: false };

describe("checkBrowser", () => {
  it("passes when every page is whole before the fault, and a step works again after it ('connection lost' only counted)", () => {
    const h = new SyntheticHistory()
      .fault("kill-postgresql1", 10_000, 15_000)
      .series("browser.page", 0, 30_000, 3000, (at) => (at === 12_000 ? "fail" : "ok"), (at) => ({ key: "open the list", shown: at === 12_000 ? { ...whole, notices: ["Connection lost. Trying to reconnect..."] } : whole }));
    const result = checkBrowser(h.history);
    expect(result.ok).toBe(true);
    expect(result.metrics).toMatchObject({ steps: 10, brokenSteady: 0, errorDialogs: 0, logouts: 0, connectionLost: 1, notOkWhileFaulted: 1 });
  });

  it("fails on a broken page in the steady state, naming the step, what broke and the screenshot", () => {
    const h = new SyntheticHistory()
      .fault("f", 10_000, 12_000)
      .series("browser.page", 0, 30_000, 3000, (at) => (at === 3000 ? "fail" : "ok"), (at) => ({ key: "login", ...(at === 3000 ? { error: "page broken: 503 /web/assets/web.assets_web.min.js" } : {}), shown: at === 3000 ? { ...whole, broken: ["503 /web/assets/web.assets_web.min.js"], screenshot: "browser/002-login.png" } : whole }));
    const result = checkBrowser(h.history);
    expect(result.ok).toBe(false);
    expect(result.metrics).toMatchObject({ brokenSteady: 1, brokenPages: 1 });
    expect(result.counterexamples).toEqual([expect.stringMatching(/^steady state: op \d+ \(login\) at t\+3\.00s .*503 \/web\/assets\/web\.assets_web\.min\.js \[browser\/002-login\.png\]$/)]);
  });

  it("counts a step that began before the fault and ended after it as the fault's, not the steady state's", () => {
    const h = new SyntheticHistory().fault("kill-postgresql1", 10_000, 15_000);
    h.op("browser.page", 0, "ok", { key: "login", shown: whole });
    h.op("browser.page", 8_000, "fail", { key: "open the list", shown: { ...whole, broken: ["503 /web/action/load"] } }, 15_000);
    h.op("browser.page", 25_000, "ok", { key: "save", shown: whole });
    expect(checkBrowser(h.history)).toMatchObject({ ok: true, metrics: { brokenSteady: 0, brokenPages: 1, notOkWhileFaulted: 1 } });
  });

  it("fails on an error dialog or a logout during the fault", () => {
    const dialog = new SyntheticHistory().fault("f", 10_000, 12_000).series("browser.page", 0, 30_000, 3000, (at) => (at === 12_000 ? "fail" : "ok"), (at) => ({ key: "save", shown: at === 12_000 ? { ...whole, dialogs: ["Odoo Server Error"] } : whole }));
    expect(checkBrowser(dialog.history)).toMatchObject({ ok: false, metrics: { errorDialogs: 1, logouts: 0 } });
    const expired = new SyntheticHistory().fault("f", 10_000, 12_000).series("browser.page", 0, 30_000, 3000, (at) => (at === 12_000 ? "fail" : "ok"), (at) => ({ key: "save", shown: at === 12_000 ? { ...whole, dialogs: ["Odoo Session Expired"] } : whole }));
    expect(checkBrowser(expired.history)).toMatchObject({ ok: false, metrics: { errorDialogs: 1, logouts: 1 } });
    const sentBack = new SyntheticHistory().fault("f", 10_000, 12_000).series("browser.page", 0, 30_000, 3000, (at) => (at === 12_000 ? "fail" : "ok"), (at) => ({ key: "save", shown: { ...whole, loggedOut: at === 12_000 } }));
    expect(checkBrowser(sentBack.history).counterexamples).toEqual([expect.stringMatching(/^logged out: op \d+ \(save\) at t\+12\.00s/)]);
  });

  it("fails when no step was taken, or none worked after the last failure", () => {
    expect(checkBrowser(new SyntheticHistory().fault("f", 10_000, 12_000).history).counterexamples).toContain("no browser step was taken: nothing measured");
    const stuck = new SyntheticHistory().fault("f", 10_000, 12_000).series("browser.page", 0, 30_000, 3000, (at) => (at >= 12_000 ? "indeterminate" : "ok"), () => ({ key: "open the list", shown: whole }));
    expect(checkBrowser(stuck.history).counterexamples).toEqual([expect.stringMatching(/^no step worked after the last failure/)]);
  });
});
