import { describe, expect, it } from "vitest";
import { maskSecrets, unifiedDiff } from "../src/text-diff.ts";

describe("--check diffs", () => {
  it("shows a changed line with context, in unified form", () => {
    const before = "a\nb\nc\nd\ne\nf\ng\nh\n";
    const after = "a\nb\nc\nd\nE\nf\ng\nh\n";
    expect(unifiedDiff("/etc/x", before, after)).toBe(["--- /etc/x (on the node)", "+++ /etc/x (the lab's)", "@@ -2,7 +2,7 @@", " b", " c", " d", "-e", "+E", " f", " g", " h", ""].join("\n"));
  });

  it("diffs a missing file against /dev/null and equal files to nothing", () => {
    expect(unifiedDiff("/etc/x", undefined, "one\n")).toContain("--- /dev/null\n+++ /etc/x (the lab's)\n@@ -0,0 +1,1 @@\n+one\n");
    expect(unifiedDiff("/etc/x", "same\n", "same\n")).toBe("");
  });

  it("masks password and secret lines on both sides, keeping the key", () => {
    const before = "postgresql:\n  authentication:\n    superuser:\n      username: postgres\n      password: OldPassw0rd\n";
    const after = before.replace("OldPassw0rd", "NewPassw0rd");
    const diff = unifiedDiff("/etc/patroni/patroni.yml", before, after);
    expect(diff).not.toMatch(/OldPassw0rd|NewPassw0rd/);
    expect(diff).toContain("-      password: ******** (masked)");
    expect(diff).toContain("+      password: ******** (masked)");
    expect(maskSecrets("db_password = abc\nadmin_passwd = xyz\nworkers = 2")).toBe("db_password = ******** (masked)\nadmin_passwd = ******** (masked)\nworkers = 2");
  });

  it("masks a line that holds one of the lab's secrets under any name", () => {
    const diff = unifiedDiff("/etc/x", "key: old\n", "key: Zq9xYkT3\n", ["Zq9xYkT3"]);
    expect(diff).not.toContain("Zq9xYkT3");
    expect(diff).toContain("+key: ******** (masked)");
  });
});
