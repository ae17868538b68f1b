import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { ProgressEvent } from "@odoo-ha-lab/roles";
import { ScenarioError, type Scenario } from "@odoo-ha-lab/runner";
import { loadTopologyFile, type Topology } from "@odoo-ha-lab/topology";
import { topologyOverrides, type LabOptionValues } from "./options.ts";
import { labStateDir, REPO_ROOT } from "./state.ts";
import type { LabTarget } from "./targets/index.ts";

/**
 * The lab a scenario runs on: its own topology file (each distinct topology is its own lab, named by
 * the file), moved aside with --name/--subnet and running the Odoo of --odoo-image/--odoo-source, or
 * the user's own topology (`-t`, e.g. the one that describes their servers for `--target ssh`).
 */
export function scenarioTopology(scenario: Scenario, overrides: LabOptionValues, scenarioFile = scenario.name): Topology {
  if (overrides.topology) return loadTopologyFile(isAbsolute(overrides.topology) ? overrides.topology : resolve(overrides.topology), topologyOverrides(overrides));
  const file = join(REPO_ROOT, scenario.topology);
  if (!existsSync(file)) throw new ScenarioError(scenarioFile, [`topology: ${scenario.topology} is not in the repository: name a topology file relative to its root (labs/*/topology.yaml), or leave the field out for labs/odoo-ha/topology.yaml`]);
  return loadTopologyFile(file, topologyOverrides(overrides));
}

/** Brings the lab up on its target if it is not (idempotent) and hands the runner what it acts on. */
export async function prepareScenarioLab(target: LabTarget, progress: (event: ProgressEvent) => void) {
  const { secrets } = await target.up(progress);
  return {
    hosts: await target.hosts(),
    nodes: await target.nodeControl(),
    secrets,
    journalPath: join(labStateDir(target.topology.name), "faults.json"),
  };
}

export function reportDirFor(scenario: string, run: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return join(REPO_ROOT, "reports", scenario, `${stamp}-run${run}`);
}
