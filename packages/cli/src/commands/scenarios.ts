import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadScenarios } from "@odoo-ha-lab/runner";
import { REPO_ROOT } from "../state.ts";
import { renderTable } from "../table.ts";

export const SCENARIOS_DIR = join(REPO_ROOT, "scenarios");

/** `lab scenarios`: every scenario with a one-line description. */
export async function scenariosCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" } } });
  const scenarios = loadScenarios(SCENARIOS_DIR);
  if (values.json) {
    console.log(
      JSON.stringify(
        scenarios.map((s) => ({
          name: s.name,
          description: s.description.trim(),
          topology: s.topology,
          negativeControl: s.expect !== "pass",
          /** Judged on the median of repeated runs: run it at least three times. */
          medianBudgets: s.budgets.some((budget) => budget.over === "median"),
        })),
        null,
        2,
      ),
    );
    return 0;
  }
  console.log(
    renderTable(
      ["scenario", "kind", "description"],
      scenarios.map((s) => [s.name, s.expect === "pass" ? "budget" : "control", oneLine(s.description)]),
    ),
  );
  return 0;
}

function oneLine(text: string): string {
  // The first sentence, or the first two when the first is only a label ("NEGATIVE CONTROL.").
  const [first = "", second = ""] = text.trim().replace(/\s+/g, " ").split(/(?<=\.)\s/);
  const sentence = first.length < 30 ? `${first} ${second}` : first;
  return sentence.length > 90 ? `${sentence.slice(0, 87)}...` : sentence;
}
