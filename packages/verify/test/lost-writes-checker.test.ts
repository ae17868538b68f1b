import { describe, expect, it } from "vitest";
import { checkLostWrites } from "../src/checkers/lost-writes-checker.ts";
import { read, SyntheticHistory } from "./synthetic-history.ts";

describe("checkLostWrites", () => {
  function run() {
    const h = new SyntheticHistory().fault("kill-leader", 10_000, 12_000);
    const sql = [1, 2, 3].map((n) => h.op("sql.write", n * 1000, "ok", { key: `100${n}` }));
    const partner = h.op("odoo.partner.write", 4000, "ok", { key: "lab-verify-partner-4", value: "17" });
    const maybe = h.op("sql.write", 10_500, "indeterminate", { key: "1099" });
    const refused = h.op("sql.write", 10_700, "fail", { key: "1098" });
    return { h, sql, partner, maybe, refused };
  }

  it("passes when every acknowledged write is read back, and reports indeterminate writes that took effect", () => {
    const { h, sql, partner, maybe } = run();
    h.final([...sql.map((op) => read(op, "postgresql2", "present")), read(partner, "postgresql2", "present"), read(partner, "odoo1", "present", "app"), read(partner, "odoo2", "present", "app"), read(maybe, "postgresql2", "present")]);
    const result = checkLostWrites(h.history);
    expect(result.ok).toBe(true);
    expect(result.metrics).toMatchObject({ acknowledged: 4, lost: 0, unverified: 0, indeterminate: 1, indeterminateFound: 1, "acknowledged:sql.write": 3 });
  });

  it("names every lost write by op id, key and where it was missing", () => {
    const { h, sql, partner } = run();
    h.final([read(sql[0]!, "postgresql2", "present"), read(sql[1]!, "postgresql2", "missing"), read(sql[2]!, "postgresql2", "present"), read(partner, "postgresql2", "present"), read(partner, "odoo2", "different", "app")]);
    const result = checkLostWrites(h.history);
    expect(result.ok).toBe(false);
    expect(result.metrics.lost).toBe(2);
    expect(result.counterexamples).toEqual([
      `op ${sql[1]!.id} sql.write key 1002: missing via postgresql2 (database)`,
      `op ${partner.id} odoo.partner.write key lab-verify-partner-4: different via odoo2 (app)`,
    ]);
  });

  it("reports a write that took effect twice (a request replayed on another server), acknowledged or not", async () => {
    const { h, sql, partner } = run();
    const maybePartner = h.op("odoo.partner.write", 10_600, "indeterminate", { key: "lab-verify-partner-9" });
    const { partnerRead } = await import("../src/final/database-read-back.ts");
    const twice = partnerRead({ op: partner, key: partner.key!, recordId: 17 }, [16, 17], "postgresql2");
    expect(twice).toMatchObject({ status: "duplicated", detail: "the create took effect 2 times: partners 16, 17, acknowledged as 17" });
    h.final([...sql.map((op) => read(op, "postgresql2", "present")), twice, read(partner, "odoo1", "present", "app"), partnerRead({ op: maybePartner, key: maybePartner.key!, recordId: undefined }, [20, 21], "postgresql2")]);
    const result = checkLostWrites(h.history);
    expect(result.ok).toBe(false);
    expect(result.metrics).toMatchObject({ lost: 0, unverified: 0, duplicated: 2, indeterminateFound: 1 });
    expect(result.counterexamples).toEqual([
      `op ${partner.id} odoo.partner.write (ok) key lab-verify-partner-4: duplicated via postgresql2 (database): the create took effect 2 times: partners 16, 17, acknowledged as 17`,
      `op ${maybePartner.id} odoo.partner.write (indeterminate) key lab-verify-partner-9: duplicated via postgresql2 (database): the create took effect 2 times: partners 20, 21`,
    ]);
    // An acknowledged id that is not among the rows is a different record, not a duplicate.
    expect(partnerRead({ op: partner, key: partner.key!, recordId: 17 }, [16], "postgresql2")).toMatchObject({ status: "different", detail: "name found on partner 16, acknowledged as 17" });
  });

  it("does not pass writes it could not read back, nor a history without final verification", () => {
    const { h, sql, partner } = run();
    expect(checkLostWrites(h.history).ok).toBe(false);
    h.final([...sql.map((op) => read(op, "postgresql2", "present")), { ...read(partner, "odoo1", "unreadable", "app"), detail: "HTTP 503" }]);
    const result = checkLostWrites(h.history);
    expect(result.ok).toBe(false);
    expect(result.metrics.unverified).toBe(1);
    expect(result.counterexamples[0]).toMatch(/not verified \(odoo1: HTTP 503\)/);
  });
});
