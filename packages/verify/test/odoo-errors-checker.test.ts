import { describe, expect, it } from "vitest";
import { checkOdooErrors, classifyOdooFailure } from "../src/checkers/odoo-errors-checker.ts";
import { CLIENT_SATURATED } from "../src/workload/open-loop-scheduler.ts";
import { SyntheticHistory } from "./synthetic-history.ts";

describe("classifyOdooFailure", () => {
  it.each([
    ["HTTP 503: answered HTTP 503 without JSON: <html>", "retryable"],
    ["client timeout after 2000 ms", "retryable"],
    ["ECONNREFUSED: failed: fetch failed", "retryable"],
    ["UND_ERR_SOCKET: failed: fetch failed", "retryable"],
    ["lost its answer: other side closed", "retryable"],
    ["psycopg2.OperationalError: server closed the connection unexpectedly", "json-error"],
    ["odoo.exceptions.UserError: nope", "json-error"],
    ["odoo.http.SessionExpiredException: Session expired", "session-expired"],
    ["builtins.OSError: 107", "json-error"],
    ["attachment 424 has no content", "wrong-answer"],
  ])("%s is %s", (error, kind) => {
    expect(classifyOdooFailure({ error })).toBe(kind);
  });
});

describe("checkOdooErrors", () => {
  it("passes when every failed call was retryable, and names each JSON error otherwise", () => {
    const retryable = new SyntheticHistory().fault("f", 10_000, 12_000).series("odoo.partner.write", 0, 20_000, 500, (at) => (at >= 10_000 && at < 12_000 ? "fail" : "ok"), (at) => (at >= 10_000 && at < 12_000 ? { error: at % 1000 ? "HTTP 503: no server" : CLIENT_SATURATED } : {}));
    expect(checkOdooErrors(retryable.history)).toMatchObject({ ok: true, metrics: { failedCalls: 2, retryable: 2, jsonErrors: 0 } });
    const json = new SyntheticHistory().fault("f", 10_000, 12_000).series("odoo.partner.write", 0, 20_000, 500, (at) => (at === 10_500 ? "indeterminate" : "ok"), (at) => (at === 10_500 ? { error: "psycopg2.OperationalError: terminating connection" } : {}));
    const result = checkOdooErrors(json.history);
    expect(result).toMatchObject({ ok: false, metrics: { jsonErrors: 1, retryable: 0 } });
    expect(result.counterexamples).toEqual([expect.stringMatching(/^JSON error: op \d+ \(odoo\.partner\.write\) at t\+10\.50s .*psycopg2\.OperationalError/)]);
  });
});
