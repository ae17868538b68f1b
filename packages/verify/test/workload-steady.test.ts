import { describe, expect, it } from "vitest";
import { workloadSteadyProblem, type Operation } from "../src/index.ts";

describe("workload steady", () => {
  it("holds once every kind's last three operations since the given instant succeeded, ordered by when they were invoked", () => {
    let id = 0;
    const op = (kind: Operation["kind"], invokedAt: number, completedAt: number, outcome: Operation["outcome"] = "ok"): Operation => ({ id: id++, kind, invokedAt, completedAt, outcome, ...(outcome === "ok" ? {} : { error: "client timeout after 2000 ms" }) });
    const kinds: Operation["kind"][] = ["sql.write", "odoo.partner.write"];
    const sqlSteady = [op("sql.write", 100, 110), op("sql.write", 200, 210), op("sql.write", 300, 310)];
    // Odoo's oldest request answers last, and badly: it is still the newest but two.
    const odooLateFailure = [op("odoo.partner.write", 100, 2100, "indeterminate"), op("odoo.partner.write", 150, 160), op("odoo.partner.write", 250, 260)];
    expect(workloadSteadyProblem([...sqlSteady, ...odooLateFailure], kinds, 0)).toMatch(/^odoo\.partner\.write: op \d+ indeterminate \(client timeout/);
    const odooSteady = [...odooLateFailure, op("odoo.partner.write", 350, 360)];
    expect(workloadSteadyProblem([...sqlSteady, ...odooSteady], kinds, 0)).toBeUndefined();
    // What happened before the instant does not count: nothing new yet is not steady.
    expect(workloadSteadyProblem([...sqlSteady, ...odooSteady], kinds, 320)).toBe("sql.write: 0 of 3 operations answered so far; odoo.partner.write: 1 of 3 operations answered so far");
  });

});
