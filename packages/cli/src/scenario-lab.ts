import { join } from "node:path";
import { DockerNodeControl } from "@odoo-ha-lab/docker";
import type { ProgressEvent } from "@odoo-ha-lab/roles";
import type { Scenario } from "@odoo-ha-lab/runner";
import { loadTopologyFile, type Topology } from "@odoo-ha-lab/topology";
import { ensureLabUp } from "./commands/up.ts";
import { labStateDir, REPO_ROOT } from "./state.ts";

export interface LabOverrides {
  name?: string;
  subnet?: string;
}

/**
 * The lab a scenario runs on: its own topology file (each distinct topology is its own lab, named by
 * the file), or moved aside with --name/--subnet. Brought up if it is not (idempotent).
 */
export function scenarioTopology(scenario: Scenario, overrides: LabOverrides): Topology {
  return loadTopologyFile(join(REPO_ROOT, scenario.topology), overrides);
}

export async function prepareScenarioLab(topology: Topology, progress: (event: ProgressEvent) => void) {
  const { docker, lab, secrets } = await ensureLabUp(topology, progress);
  return {
    hosts: lab.hosts(),
    nodes: new DockerNodeControl(docker, topology.name),
    secrets,
    journalPath: join(labStateDir(topology.name), "faults.json"),
  };
}

export function reportDirFor(scenario: string, run: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return join(REPO_ROOT, "reports", scenario, `${stamp}-run${run}`);
}
