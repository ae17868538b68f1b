import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { loadScenarios, scenarioProblems } from "../src/index.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("the scenarios in scenarios/", () => {
  const scenarios = loadScenarios(`${ROOT}scenarios`);

  it("all parse, and include the release suite and its negative controls", () => {
    const names = scenarios.map((scenario) => scenario.name);
    for (const required of ["kill-master", "old-master-returns", "lose-lb2-storage", "lose-lb1", "lose-odoo1", "partition-primary", "rolling-restart-odoo", "kill-master-async-lag", "vip-split-brain"]) {
      expect(names).toContain(required);
    }
    expect(scenarios.filter((scenario) => scenario.expect !== "pass").length).toBeGreaterThanOrEqual(2);
  });

  it("each names a valid topology file and has budgets or an expected violation", () => {
    for (const scenario of scenarios) {
      expect(existsSync(`${ROOT}${scenario.topology}`), scenario.name).toBe(true);
      expect(() => loadTopologyFile(`${ROOT}${scenario.topology}`)).not.toThrow();
      expect(scenario.budgets.length > 0 || scenario.expect !== "pass", scenario.name).toBe(true);
    }
  });

  it("each can run on its topology: its nodes, services, fault names, checkers and metrics exist", () => {
    for (const scenario of scenarios) {
      expect({ scenario: scenario.name, problems: scenarioProblems(scenario, loadTopologyFile(`${ROOT}${scenario.topology}`)) }).toEqual({ scenario: scenario.name, problems: [] });
    }
  });
});
