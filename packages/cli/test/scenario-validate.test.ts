import { execFileSync } from "node:child_process";
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

describe("a refusal read through a pipe", () => {
  it("arrives whole, its fix line last, however long the value it quotes", async () => {
    const topology = readFileSync(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)), "utf8");
    const file = join(dir, "long-address.yaml");
    writeFileSync(file, topology.replace("address: 192.168.55.112", `address: "${"1".repeat(100_000)}"`));
    // A reader slower than the writer (a pager, `| head` after a pause): the pipe fills at 64 KiB.
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const output = execFileSync("sh", ["-c", 'node --import tsx "$1" topology validate -t "$2" 2>&1 | (sleep 1; cat)', "sh", main, file], { encoding: "utf8", env: { ...process.env, ...ENV }, maxBuffer: 1 << 20 });
    expect(output.length).toBeGreaterThan(100_000);
    expect(output.trimEnd()).toMatch(/fix: write a dotted quad like 192\.168\.55\.101$/);
  });
});

describe("`lab inventory validate`", () => {
  it("checks an inventory against the topology without contacting a host: valid, then a missing key and a shared machine named", async () => {
    const key = join(dir, "id_lab");
    writeFileSync(key, "not a real key: only read, never used\n");
    const machines = (lb2Host: string, identityFile: string) =>
      [`defaults: { user: admin, sudo: true, identityFile: ${identityFile} }`, "nodes:", "  lb1: { host: 10.0.0.11 }", `  lb2: { host: ${lb2Host} }`, "  odoo1: { host: 10.0.0.21 }", "  odoo2: { host: 10.0.0.22 }", "  postgresql1: { host: 10.0.0.31 }", "  postgresql2: { host: 10.0.0.32 }", "  monitor1: { host: 10.0.0.41 }", ""].join("\n");
    const file = join(dir, "machines.yaml");
    writeFileSync(file, machines("10.0.0.12", key));
    const valid = await runLab(["inventory", "validate", file], ENV);
    expect(valid.stdout, valid.stderr).toMatch(/valid for lab odoo-ha \(7 nodes on 7 machines; no host was contacted\)/);
    writeFileSync(file, machines("10.0.0.11", join(dir, "no-such-key")));
    const shared = await runLab(["inventory", "validate", file], ENV);
    expect(shared.code).toBe(1);
    expect(shared.stderr).toMatch(/nodes\.lb2\.host: lb1 and lb2 are one machine \(10\.0\.0\.11:22\)/);
    writeFileSync(file, machines("10.0.0.12", join(dir, "no-such-key")));
    const missing = await runLab(["inventory", "validate", file], ENV);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nodes\.lb1\.identityFile: .*no-such-key is not a readable file/);
  });
});
