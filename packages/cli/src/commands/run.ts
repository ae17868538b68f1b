import { parseArgs } from "node:util";
import { aggregateRuns, runScenario, type AggregatedVerdict, type ScenarioRun } from "@odoo-ha-lab/runner";
import { onInterrupt, signalExitCode } from "../interrupts.ts";
import { progressPrinter } from "../progress.ts";
import { LAB_OPTIONS, type LabOptionValues } from "../options.ts";
import { prepareScenarioLab, reportDirFor } from "../scenario-lab.ts";
import { resolveTarget } from "../targets/index.ts";
import { renderTable } from "../table.ts";
import { loadCheckedScenario, type CheckedScenario } from "./scenario.ts";

export const RUN_OPTIONS = {
  ...LAB_OPTIONS,
  repeat: { type: "string", default: "1" },
  quiet: { type: "boolean", short: "q" },
  "fresh-lab": { type: "boolean" },
} as const;


/** Runs one checked scenario `repeat` times on its lab (brought up if needed, on the chosen target); one report per run. */
export async function runScenarioRepeatedly(checked: CheckedScenario, repeat: number, options: LabOptionValues & { "fresh-lab"?: boolean }, quiet = false): Promise<ScenarioRun[]> {
  const { scenario, topology } = checked;
  const progress = progressPrinter(quiet);
  const target = resolveTarget(options, topology);
  if ((scenario.lab === "fresh" || options["fresh-lab"]) && (await target.exists())) {
    if (target.kind === "docker") {
      const removed = await target.down();
      progress({ stage: scenario.name, message: `a fresh lab for this scenario: ${removed.report.lines.join("; ") || `lab ${topology.name} taken down`}` });
    } else {
      // Real machines keep their data unless their owner says `lab down --purge`: never on a scenario's word.
      progress({ stage: scenario.name, message: `a fresh lab was asked for; the ${target.kind} target keeps its machines' data, so the scenario runs on the lab as it is` });
    }
  }
  const lab = await prepareScenarioLab(target, progress);
  const interrupt = healOnInterrupt((message) => progress({ stage: scenario.name, message }));
  const runs: ScenarioRun[] = [];
  try {
    for (let index = 1; index <= repeat && !interrupt.signal.aborted; index++) {
      progress({ stage: scenario.name, message: `run ${index}/${repeat} on lab ${topology.name}` });
      runs.push(await runScenario({ scenario, topology, ...lab, reportDir: reportDirFor(scenario.name, index), progress, signal: interrupt.signal }));
    }
  } finally {
    interrupt.dispose();
  }
  return runs;
}

/**
 * Ctrl-C in the middle of a run must not leave a node killed or a network cut: the first press
 * stops the method and lets the rollbacks heal; a second press quits at once (the fault journal
 * remains, for `lab heal`).
 */
function healOnInterrupt(say: (message: string) => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const dispose = onInterrupt((signal, again) => {
    if (again) {
      say(`${signal} again: quitting without healing; run \`pnpm lab heal\` to heal what is still injected`);
      process.exit(signalExitCode(signal));
    }
    say(`${signal}: stopping the method and healing every injected fault (${signal} again quits at once)`);
    controller.abort(new Error(`interrupted by ${signal}`));
  });
  return { signal: controller.signal, dispose };
}

/** `lab run <scenario> [--repeat N]`: the verdict, every budget's measured value, medians over repeats. */
export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: RUN_OPTIONS });
  const name = positionals[0];
  if (!name) throw new Error("usage: lab run <scenario> [--repeat N] [--json]   (see `pnpm lab scenarios`)");
  const repeat = parseRepeat(values.repeat);
  const runs = await runScenarioRepeatedly(loadCheckedScenario(name, values), repeat, values, values.quiet);
  const summary = summarise(runs);
  if (values.json) console.log(JSON.stringify({ scenario: name, passed: summary.passed, budgets: summary.budgets, runs: runs.map(compactRun) }, null, 2));
  else printSummary(runs, summary);
  return summary.passed ? 0 : 1;
}

/** `--repeat` of run and gate: a whole number of runs from 1 to 20 (a gate of zero runs would judge nothing). */
export function parseRepeat(value: string | undefined): number {
  const repeat = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isInteger(repeat) || repeat < 1 || repeat > 20) throw new Error(`--repeat ${value ?? ""}: give a whole number of runs from 1 to 20 (3 for a median of 3)`);
  return repeat;
}

export interface RunsSummary extends AggregatedVerdict {}

export function summarise(runs: ScenarioRun[]): RunsSummary {
  return aggregateRuns(runs.map((run) => run.verdict), runs.map((run) => run.aborted !== undefined));
}

export function compactRun(run: ScenarioRun) {
  return {
    scenario: run.scenario,
    lab: run.lab,
    passed: run.verdict.passed,
    seconds: Number(run.seconds.toFixed(1)),
    summary: run.verdict.summary,
    budgets: run.verdict.budgets.map((budget) => ({ budget: budget.detail, ok: budget.ok, measured: budget.measured })),
    expectedViolations: run.verdict.expectedViolations,
    aborted: run.aborted,
    report: run.outcome?.report?.html,
    operations: run.outcome?.history.operations.length,
  };
}

function printSummary(runs: ScenarioRun[], summary: RunsSummary): void {
  console.log("");
  for (const [index, run] of runs.entries()) {
    console.log(`run ${index + 1}: ${run.verdict.summary} (${run.seconds.toFixed(0)} s, ${run.outcome?.history.operations.length ?? 0} operations)`);
    if (run.outcome?.report) console.log(`  report: ${run.outcome.report.html}`);
  }
  if (summary.budgets.length) {
    const number = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(2));
    console.log("");
    console.log(renderTable(["budget", "judged on", "median", "per run", "verdict"], summary.budgets.map((row) => [row.label, row.over === "median" ? "median" : "every run", number(row.median), row.values.map(number).join(" "), row.ok ? "ok" : "MISSED"])));
  }
  if (summary.brokenRuns.length) console.log(`\nruns that did not complete or missed an expected violation: ${summary.brokenRuns.join(", ")}`);
  console.log(`\n${summary.passed ? "PASS" : "FAIL"}`);
}
