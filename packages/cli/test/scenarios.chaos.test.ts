import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runLab } from "./lab-cli.ts";

/**
 * The scenario suite as tests: each scenario runs through the real CLI (`lab run <name> --json`) and
 * must pass its budgets (a negative control passes only when its checker reports the break).
 * Each topology the scenarios use runs as a lab of its own, beside any developer lab.
 *
 * LAB_CHAOS_SCENARIOS (comma-separated) picks scenarios; the default is every scenario.
 */
const CI_SCENARIOS = [
  "kill-master",
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
  "kill-master-debian13",
  "switchover",
  "kill-master-quorum",
];
/**
 * Not in CI yet: `crash-postgres-primary`. In 1 of its 5 runs so far an idle backend of an Odoo
 * connection outlived its SIGKILLed postmaster and held the shared memory, so PostgreSQL could not
 * start again on that node (Patroni failed over within a loop, as users saw, but the node stayed
 * down and the heal timed out). Run it with LAB_CHAOS_SCENARIOS=crash-postgres-primary.
 */
const scenarios = (process.env.LAB_CHAOS_SCENARIOS?.split(",") ?? CI_SCENARIOS).map((name) => name.trim()).filter(Boolean);

/** One lab per topology file: names and subnets the rest of the test suite does not use. */
const LABS: Record<string, { name: string; subnet: string }> = {
  "labs/odoo-ha/topology.yaml": { name: "chaos", subnet: "192.168.71.0/24" },
  "labs/odoo-ha-async/topology.yaml": { name: "chaos-async", subnet: "192.168.72.0/24" },
  "labs/odoo-ha-replicated/topology.yaml": { name: "chaos-repl", subnet: "192.168.73.0/24" },
  "labs/odoo-ha-cron/topology.yaml": { name: "chaos-cron", subnet: "192.168.74.0/24" },
  "labs/odoo-ha-multidb/topology.yaml": { name: "chaos-multidb", subnet: "192.168.75.0/24" },
  "labs/odoo-ha-debian13/topology.yaml": { name: "chaos-deb13", subnet: "192.168.78.0/24" },
  "labs/odoo-ha-quorum/topology.yaml": { name: "chaos-quorum", subnet: "192.168.83.0/24" },
};

interface ScenarioListing {
  name: string;
  topology: string;
  medianBudgets: boolean;
}

const used = new Set<string>();

async function listing(name: string): Promise<ScenarioListing> {
  const all = await runLab(["scenarios", "--json"], {});
  const found = (JSON.parse(all.stdout) as ScenarioListing[]).find((scenario) => scenario.name === name);
  if (!found) throw new Error(`no scenario '${name}' in scenarios/`);
  return found;
}

afterAll(async () => {
  if (process.env.LAB_TEST_KEEP) return;
  for (const file of used) {
    const lab = LABS[file]!;
    // Topology paths in scenario files are relative to the repository root, not to this process.
    await runLab(["down", "-t", fileURLToPath(new URL(`../../../${file}`, import.meta.url)), "--name", lab.name, "--subnet", lab.subnet], {});
  }
});

describe("chaos scenarios", () => {
  for (const name of scenarios) {
    it(name, async () => {
      const { topology: file, medianBudgets } = await listing(name);
      const lab = LABS[file];
      if (!lab) throw new Error(`scenario ${name} uses ${file}: give it a lab name and subnet in LABS`);
      used.add(file);
      // A timing judged on the median needs the three runs; one run would make it a coin toss.
      const repeat = medianBudgets ? "3" : "1";
      const run = await runLab(["run", name, "--json", "--repeat", repeat, "--name", lab.name, "--subnet", lab.subnet], {});
      const report = run.stdout.trim() ? (JSON.parse(run.stdout) as { passed: boolean; runs: { summary: string; budgets: { budget: string }[]; report?: string }[] }) : undefined;
      const detail = report ? report.runs.map((r) => `${r.summary}\n  ${r.budgets.map((b) => b.budget).join("\n  ")}\n  report: ${r.report}`).join("\n") : run.stderr.slice(-3000);
      expect(report?.passed, detail).toBe(true);
      expect(run.code, detail).toBe(0);
    });
  }

  it.runIf(scenarios.includes("kill-master"))("Ctrl-C in the middle of a run heals the injected fault before exiting", async () => {
    const lab = LABS["labs/odoo-ha/topology.yaml"]!;
    used.add("labs/odoo-ha/topology.yaml");
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
});
