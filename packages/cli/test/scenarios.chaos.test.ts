import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runLab } from "./lab-cli.ts";

/**
 * The scenario suite as tests: each scenario runs through the real CLI (`lab run <name> --json`) and
 * must pass its budgets (a negative control passes only when its checker reports the break).
 * Each topology the scenarios use runs as a lab of its own, beside any developer lab, one at a time.
 *
 * LAB_CHAOS_SCENARIOS (comma-separated) picks scenarios; the default is CI_SCENARIOS.
 */
const CI_SCENARIOS = [
  "kill-master",
  "switchover",
  "lose-lb1",
  "power-cut-lb1",
  "move-vip-under-transactions",
  "lose-odoo1",
  "rolling-restart-odoo",
  "partition-primary",
  "partition-primary-from-etcd",
  "old-master-returns",
  "lose-lb2-storage",
  "lose-lb2-storage-replicated",
  "vip-split-brain",
  "kill-master-async-lag",
  "scale-cron-workers",
  "kill-master-multidb",
  "kill-master-quorum",
  "crash-postgres-primary",
  "cron-wakeups-pgbouncer",
  "cron-wakeups-pgbouncer-transaction",
];
const picked = (process.env.LAB_CHAOS_SCENARIOS?.split(",") ?? CI_SCENARIOS).map((name) => name.trim()).filter(Boolean);

/** One lab per topology file: names and subnets the rest of the test suite does not use. */
const LABS: Record<string, { name: string; subnet: string }> = {
  "labs/odoo-ha/topology.yaml": { name: "chaos", subnet: "192.168.71.0/24" },
  "labs/odoo-ha-async/topology.yaml": { name: "chaos-async", subnet: "192.168.72.0/24" },
  "labs/odoo-ha-replicated/topology.yaml": { name: "chaos-repl", subnet: "192.168.73.0/24" },
  "labs/odoo-ha-cron/topology.yaml": { name: "chaos-cron", subnet: "192.168.74.0/24" },
  "labs/odoo-ha-multidb/topology.yaml": { name: "chaos-multidb", subnet: "192.168.75.0/24" },
  "labs/odoo-ha-quorum/topology.yaml": { name: "chaos-quorum", subnet: "192.168.83.0/24" },
  "labs/odoo-ha-pgbouncer/topology.yaml": { name: "chaos-pgb", subnet: "192.168.89.0/24" },
  "labs/odoo-ha-pgbouncer-tx/topology.yaml": { name: "chaos-pgb-tx", subnet: "192.168.90.0/24" },
};
const DEFAULT_TOPOLOGY = "labs/odoo-ha/topology.yaml";

interface ScenarioListing {
  name: string;
  topology: string;
  medianBudgets: boolean;
}

const all = await runLab(["scenarios", "--json"], {});
const listings = new Map((JSON.parse(all.stdout) as ScenarioListing[]).map((scenario) => [scenario.name, scenario]));
const unknown = picked.filter((name) => !listings.has(name));
if (unknown.length > 0) throw new Error(`no scenario ${unknown.map((name) => `'${name}'`).join(", ")} in scenarios/`);
/**
 * The picked scenarios grouped by topology (in the order each topology first appears; the default
 * lab first when the Ctrl-C test runs on it), so that each lab comes up once and is removed before
 * the next one comes up.
 */
const interruptTest = picked.includes("kill-master");
const topologies = [...new Set([...(interruptTest ? [DEFAULT_TOPOLOGY] : []), ...picked.map((name) => listings.get(name)!.topology)])];
const scenarios = topologies.flatMap((file) => picked.filter((name) => listings.get(name)!.topology === file));

/**
 * One lab at a time. An idle lab still costs about a fifth of a core (Patroni's 1 s loop, etcd,
 * HAProxy's checks, keepalived's adverts, Odoo's cron threads): with every earlier lab left up until
 * the end, the last scenarios of the suite ran on about half of this machine's two cores, and their
 * timings were those of a loaded machine, not of the mechanism (CI 2026-12-06: switchover and
 * kill-master-quorum missed their budgets only there).
 */
const up = new Set<string>();

async function down(file: string): Promise<void> {
  const lab = LABS[file]!;
  // Topology paths in scenario files are relative to the repository root, not to this process.
  await runLab(["down", "-t", fileURLToPath(new URL(`../../../${file}`, import.meta.url)), "--name", lab.name, "--subnet", lab.subnet], {});
  up.delete(file);
}

async function onlyLabOf(file: string): Promise<{ name: string; subnet: string }> {
  const lab = LABS[file];
  if (!lab) throw new Error(`${file} has no lab name and subnet in LABS`);
  for (const other of [...up]) if (other !== file) await down(other);
  up.add(file);
  return lab;
}

afterAll(async () => {
  if (process.env.LAB_TEST_KEEP) return;
  for (const file of [...up]) await down(file);
});

describe("chaos scenarios", () => {
  // First, on the default lab that the first scenarios then reuse.
  it.runIf(interruptTest)("Ctrl-C in the middle of a run heals the injected fault before exiting", async () => {
    const lab = await onlyLabOf(DEFAULT_TOPOLOGY);
    const where = ["--name", lab.name, "--subnet", lab.subnet];
    let interrupted = false;
    const run = await runLab(["run", "kill-master", ...where], {}, (stderr, child) => {
      if (interrupted || !/injected: /.test(stderr)) return;
      interrupted = true;
      // One Ctrl-C under `pnpm lab run` arrives twice: from the terminal and forwarded by pnpm.
      child.kill("SIGINT");
      child.kill("SIGINT");
    });
    expect(interrupted, run.stderr.slice(-2000)).toBe(true);
    expect(run.code, run.stderr.slice(-2000)).toBe(1);
    expect(run.stderr).toMatch(/SIGINT: stopping the method/);
    expect(run.stderr).not.toMatch(/SIGINT again: quitting/);
    expect(run.stderr).toMatch(/rollbacks healed 1 fault\(s\)/);
    // Nothing left for `lab heal`, and the killed node runs again.
    const heal = await runLab(["heal", "--json", ...where], {});
    expect(JSON.parse(heal.stdout), heal.stderr).toMatchObject({ healed: [] });
    const status = await runLab(["status", "--json", ...where], {});
    const { services } = JSON.parse(status.stdout) as { services: { node: string; service: string; state: string }[] };
    expect(services.filter((service) => service.state !== "running" && service.state !== "starting")).toEqual([]);
  });

  for (const name of scenarios) {
    it(name, async () => {
      const { topology: file, medianBudgets } = listings.get(name)!;
      const lab = await onlyLabOf(file);
      // A timing judged on the median needs the issue's three runs; one run would make it a coin toss.
      const repeat = medianBudgets ? "3" : "1";
      const run = await runLab(["run", name, "--json", "--repeat", repeat, "--name", lab.name, "--subnet", lab.subnet], {});
      const report = run.stdout.trim() ? (JSON.parse(run.stdout) as { passed: boolean; runs: { summary: string; budgets: { budget: string }[]; report?: string }[] }) : undefined;
      const detail = report ? report.runs.map((r) => `${r.summary}\n  ${r.budgets.map((b) => b.budget).join("\n  ")}\n  report: ${r.report}`).join("\n") : run.stderr.slice(-3000);
      expect(report?.passed, detail).toBe(true);
      expect(run.code, detail).toBe(0);
    });
  }
});
