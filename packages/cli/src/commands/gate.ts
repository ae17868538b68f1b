import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { loadScenarios, renderJunit, type JunitCase } from "@odoo-ha-lab/runner";
import { REPO_ROOT } from "../state.ts";
import { renderTable } from "../table.ts";
import { compactRun, parseRepeat, RUN_OPTIONS, runScenarioRepeatedly, summarise } from "./run.ts";
import { loadCheckedScenario, type CheckedScenario } from "./scenario.ts";
import { SCENARIOS_DIR } from "./scenarios.ts";

/**
 * `lab gate [scenario...]`: the release suite. Every scenario (or the ones named) runs `--repeat`
 * times; any missed budget fails the gate. Writes JUnit XML for CI.
 */
export async function gateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...RUN_OPTIONS, junit: { type: "string" } } });
  const repeat = parseRepeat(values.repeat);
  const names = positionals.length ? positionals : loadScenarios(SCENARIOS_DIR).map((scenario) => scenario.name);
  // Every scenario is checked before the first one touches a lab: a typo in the last must not cost the runs before it.
  const checked: CheckedScenario[] = [];
  const invalid = names.flatMap((name) => {
    try {
      checked.push(loadCheckedScenario(name, values));
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
  if (invalid.length > 0) throw new Error(`the gate runs nothing: ${invalid.length} of ${names.length} scenario(s) cannot run\n${invalid.join("\n")}`);
  const junitPath = values.junit ?? join(REPO_ROOT, "reports", "gate-junit.xml");
  const cases: JunitCase[] = [];
  const rows: (string | number)[][] = [];
  const results: object[] = [];
  let passed = checked.length > 0; // a gate that judged no scenario has passed nothing
  for (const scenario of checked) {
    const name = scenario.scenario.name;
    let runs;
    try {
      runs = await runScenarioRepeatedly(scenario, repeat, values, values.quiet);
    } catch (error) {
      // A scenario that could not run (its lab would not come up, say) fails the gate; the rest still run.
      passed = false;
      const message = (error as Error).message;
      results.push({ scenario: name, passed: false, error: message });
      cases.push({ name, seconds: 0, failures: [`could not run: ${message}`] });
      rows.push([name, "ERROR", message.split("\n")[0] ?? message]);
      continue;
    }
    const summary = summarise(runs);
    passed &&= summary.passed;
    results.push({ scenario: name, passed: summary.passed, budgets: summary.budgets, runs: runs.map(compactRun) });
    const missed = summary.budgets.filter((budget) => !budget.ok).map((budget) => `${budget.label}: ${budget.over === "median" ? `median ${budget.median?.toFixed(2) ?? "-"}` : "missed in a run"} (per run: ${budget.values.map((value) => value?.toFixed(2) ?? "-").join(" ")})`);
    const broken = summary.brokenRuns.map((run) => `run ${run}: ${runs[run - 1]!.verdict.summary}`);
    cases.push({
      name,
      seconds: runs.reduce((sum, run) => sum + run.seconds, 0),
      failures: [...missed, ...broken],
      output: runs.map((run, index) => `run ${index + 1}: ${run.verdict.summary}\n${run.verdict.budgets.map((budget) => `  ${budget.detail}`).join("\n")}`).join("\n"),
    });
    rows.push([name, summary.passed ? "PASS" : "FAIL", summary.budgets.map((row) => `${row.label} → ${row.median?.toFixed(2) ?? "-"}`).join("; ")]);
    if (runs.some((run) => run.interrupted)) {
      passed = false;
      break; // Ctrl-C: the faults are healed; the scenarios after it do not start
    }
  }
  mkdirSync(dirname(junitPath), { recursive: true });
  writeFileSync(junitPath, renderJunit("odoo-ha-lab gate", cases));
  if (values.json) console.log(JSON.stringify({ passed, junit: junitPath, scenarios: results }, null, 2));
  else console.log(`\n${renderTable(["scenario", "verdict", "medians"], rows)}\n\ngate ${passed ? "PASSED" : "FAILED"}; JUnit: ${junitPath}`);
  return passed ? 0 : 1;
}
