import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkScenario, loadScenario, type Scenario } from "@odoo-ha-lab/runner";
import type { Topology } from "@odoo-ha-lab/topology";
import { LAB_OPTIONS, type LabOptionValues } from "../options.ts";
import { scenarioTopology } from "../scenario-lab.ts";
import { SCENARIOS_DIR } from "./scenarios.ts";

/** A scenario's file: a path as given, else a name in scenarios/. */
export function scenarioFile(nameOrPath: string): string {
  if (existsSync(nameOrPath) && /\.ya?ml$/.test(nameOrPath)) return resolve(nameOrPath);
  return join(SCENARIOS_DIR, `${nameOrPath.replace(/\.ya?ml$/, "")}.yaml`);
}

/**
 * A scenario read and checked against the topology it runs on, before any lab is touched: every
 * node, service, fault, checker and metric it names exists, and every budget can fail.
 */
export interface CheckedScenario {
  scenario: Scenario;
  topology: Topology;
}

export function loadCheckedScenario(nameOrPath: string, options: LabOptionValues): CheckedScenario {
  const file = scenarioFile(nameOrPath);
  if (!existsSync(file)) throw new Error(`no scenario '${nameOrPath}': not a file, and not in ${SCENARIOS_DIR} (see \`pnpm lab scenarios\`)`);
  const scenario = loadScenario(file);
  const topology = scenarioTopology(scenario, options, file);
  checkScenario(scenario, topology, file);
  return { scenario, topology };
}

/** `lab scenario validate <scenario…>`: each file checked as `lab run` checks it; non-zero if any is invalid. */
export async function scenarioCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: LAB_OPTIONS });
  const [action, ...names] = positionals;
  if (action !== "validate") throw new Error(`unknown action 'scenario ${action ?? ""}': use validate <scenario|file…>`);
  if (names.length === 0) throw new Error("usage: lab scenario validate <scenario|file…>   (a name from `pnpm lab scenarios`, or a path to a .yaml file)");
  const results = names.map((name) => {
    try {
      const { scenario } = loadCheckedScenario(name, values);
      return { scenario: name, valid: true, detail: `valid (topology ${scenario.topology}, ${scenario.method.length} steps, ${scenario.budgets.length} budgets)` };
    } catch (error) {
      return { scenario: name, valid: false, detail: (error as Error).message };
    }
  });
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else for (const result of results) console.log(result.valid ? `${result.scenario}: ${result.detail}` : result.detail);
  return results.every((result) => result.valid) ? 0 : 1;
}
