import { describe, expect, it } from "vitest";
import { checkAttachmentsReadable } from "../src/checkers/attachments-readable-checker.ts";
import { read, SyntheticHistory } from "./synthetic-history.ts";

describe("checkAttachmentsReadable", () => {
  function uploads() {
    const h = new SyntheticHistory().fault("kill-lb2", 10_000, 15_000);
    const a = h.op("odoo.attachment.upload", 1_000, "ok", { key: "aa".repeat(20), value: "5" });
    const b = h.op("odoo.attachment.upload", 20_000, "ok", { key: "bb".repeat(20), value: "6" });
    h.op("odoo.attachment.upload", 11_000, "fail", { key: "cc".repeat(20) });
    return { h, a, b };
  }

  it("passes when every acknowledged attachment reads back with the same bytes on both app nodes", () => {
    const { h, a, b } = uploads();
    h.final([a, b].flatMap((op) => [read(op, "odoo1", "present", "app"), read(op, "odoo2", "present", "app")]));
    expect(checkAttachmentsReadable(h.history)).toMatchObject({ ok: true, metrics: { attachments: 2, appNodes: 2, present: 4 } });
  });

  it("names the attachment and the node where it is missing, different or was never read", () => {
    const { h, a, b } = uploads();
    h.final([read(a, "odoo1", "present", "app"), { ...read(a, "odoo2", "missing", "app"), detail: "file missing" }, read(b, "odoo1", "different", "app")]);
    const result = checkAttachmentsReadable(h.history);
    expect(result.ok).toBe(false);
    expect(result.counterexamples).toEqual([
      `op ${a.id} attachment 5 (sha1 ${"aa".repeat(20)}) through odoo2: missing: file missing`,
      `op ${b.id} attachment 6 (sha1 ${"bb".repeat(20)}) through odoo1: different`,
      `op ${b.id} attachment 6 (sha1 ${"bb".repeat(20)}) through odoo2: unreadable (never read)`,
    ]);
  });

  it("fails with nothing to check", () => {
    const h = new SyntheticHistory().final([]);
    expect(checkAttachmentsReadable(h.history).ok).toBe(false);
  });
});
