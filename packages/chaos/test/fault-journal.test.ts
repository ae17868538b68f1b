import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FaultJournal } from "../src/index.ts";

const path = () => join(mkdtempSync(join(tmpdir(), "journal-")), "nested", "faults.json");

describe("FaultJournal", () => {
  it("starts empty, creates its directory, and keeps concurrent changes", async () => {
    const journal = new FaultJournal(path(), "lab1");
    expect(await journal.read()).toEqual([]);
    await Promise.all(Array.from({ length: 20 }, (_, index) => journal.add({ id: `f${index}`, spec: { kind: "isolate", node: "lb1" }, description: "isolate lb1", injectedAt: index })));
    await Promise.all(Array.from({ length: 20 }, (_, index) => journal.update(`f${index}`, { healedAt: 100 + index })));
    const records = await journal.read();
    expect(records).toHaveLength(20);
    expect(records.every((record) => record.healedAt === 100 + record.injectedAt)).toBe(true);
  });

  it("removes keys patched to undefined", async () => {
    const journal = new FaultJournal(path(), "lab1");
    await journal.add({ id: "a", spec: { kind: "isolate", node: "lb1" }, description: "isolate lb1", injectedAt: 1, error: "heal: x" });
    expect(await journal.update("a", { error: undefined })).not.toHaveProperty("error");
    expect(JSON.parse(readFileSync(journal.path, "utf8")).faults[0]).not.toHaveProperty("error");
  });

  it("says what to do with a broken file", async () => {
    const file = path();
    const journal = new FaultJournal(file, "lab1");
    await journal.add({ id: "a", spec: { kind: "isolate", node: "lb1" }, description: "isolate lb1", injectedAt: 1 });
    writeFileSync(file, "{ not json");
    await expect(journal.read()).rejects.toThrow(/is not valid JSON .*Heal by hand what it lists, then move it aside/);
    await expect(journal.update("a", {})).rejects.toThrow(/not valid JSON/);
  });

  it("gives a record written before records carried their sentence the one of its spec", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "journal-")), "faults.json");
    writeFileSync(file, JSON.stringify({ version: 1, lab: "lab1", faults: [{ id: "old", spec: { kind: "kill-node", node: "postgresql1" }, injectedAt: 1 }] }));
    expect((await new FaultJournal(file, "lab1").read())[0]).toMatchObject({ id: "old", description: "kill node postgresql1" });
  });
});
