import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forgetLab, labStateDir, loadOrCreateSecrets } from "../src/state.ts";

describe("forgetLab", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "lab-state-"));
    process.env.LAB_STATE_DIR = root;
  });
  afterEach(() => {
    delete process.env.LAB_STATE_DIR;
    rmSync(root, { recursive: true, force: true });
  });

  it("removes a Docker lab's credentials and journal but keeps its Vagrant directory", () => {
    loadOrCreateSecrets("demo");
    writeFileSync(join(labStateDir("demo"), "faults.json"), "[]");
    mkdirSync(join(labStateDir("demo"), "vagrant"));
    writeFileSync(join(labStateDir("demo"), "vagrant", "Vagrantfile"), "# generated");
    forgetLab("demo");
    expect(existsSync(join(labStateDir("demo"), "secrets.json"))).toBe(false);
    expect(existsSync(join(labStateDir("demo"), "faults.json"))).toBe(false);
    expect(existsSync(join(labStateDir("demo"), "vagrant", "Vagrantfile"))).toBe(true);
  });

  it("removes the lab's directory when nothing else is in it", () => {
    loadOrCreateSecrets("plain");
    forgetLab("plain");
    expect(existsSync(labStateDir("plain"))).toBe(false);
    forgetLab("never-created");
  });
});
