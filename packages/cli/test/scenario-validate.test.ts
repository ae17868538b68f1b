import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runLab } from "./lab-cli.ts";

const KILL_MASTER = readFileSync(fileURLToPath(new URL("../../../scenarios/kill-master.yaml", import.meta.url)), "utf8");
const dir = mkdtempSync(join(tmpdir(), "lab-scenario-"));

/** kill-master with a node that does not exist and a misspelt metric: both only a run would have found. */
function brokenCopy(): string {
  const file = join(dir, "kill-master.yaml");
  writeFileSync(file, KILL_MASTER.replace("node: $primary }", "node: pg9 }").replace("metric: lost, max: 0", "metric: lots, max: 0"));
  return file;
}

// Nothing here may reach a lab: a Docker engine that is not there would be the first error if it did.
const ENV = { DOCKER_HOST: "unix:///nonexistent/docker.sock" };

describe("scenarios checked before anything runs", () => {
  it("`lab scenario validate` passes a shipped scenario and lists every problem of a broken one, naming the file and the field", async () => {
    const file = brokenCopy();
    const run = await runLab(["scenario", "validate", "kill-master", file], ENV);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^kill-master: valid \(topology labs\/odoo-ha\/topology\.yaml/m);
    expect(run.stdout).toContain(`${file} (on lab odoo-ha) is not a valid scenario:`);
    expect(run.stdout).toMatch(/- method\.1\.inject\.node: no node named 'pg9' \(nodes of lab odoo-ha: lb1, /);
    expect(run.stdout).toMatch(/- budgets\.\d+\.metric: lost-writes has no metric 'lots' \(it has: acknowledged, lost, /);
  });

  it("`lab run` and `lab gate` refuse it before touching a lab", async () => {
    const file = brokenCopy();
    for (const args of [["run", file], ["gate", "kill-master", file]]) {
      const run = await runLab(args, ENV);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/no node named 'pg9'/);
      // The Docker engine is never asked: it would have failed on the socket first.
      expect(run.stderr).not.toMatch(/docker|nonexistent/i);
    }
  });
});
