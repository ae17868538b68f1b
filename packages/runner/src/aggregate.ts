import { withinBounds, type ScenarioVerdict } from "./budgets.ts";

/** One budget over several runs of a scenario: each run's value, the median, and the verdict. */
export interface AggregatedBudget {
  label: string;
  over: "every" | "median";
  values: (number | undefined)[];
  median: number | undefined;
  ok: boolean;
}

export interface AggregatedVerdict {
  passed: boolean;
  budgets: AggregatedBudget[];
  /** Runs that failed for a reason other than a budget (aborted, an expected violation not seen). */
  brokenRuns: number[];
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Judges repeated runs: an "every" budget must hold in each run; a "median" budget on the median
 * of the measured values (a run that measured nothing counts against it). Every run must also have
 * completed and, for a negative control, seen its expected violations. Zero runs fail.
 */
export function aggregateRuns(verdicts: ScenarioVerdict[], aborted: boolean[]): AggregatedVerdict {
  const first = verdicts[0];
  const budgets = (first?.budgets ?? []).map((template, index): AggregatedBudget => {
    const perRun = verdicts.map((verdict) => verdict.budgets[index]);
    const values = perRun.map((verdict) => verdict?.measured);
    const over = template.budget.over ?? "every";
    const known = values.filter((value): value is number => value !== undefined);
    const middle = median(known);
    const ok =
      over === "median" && template.budget.metric
        ? known.length === values.length && middle !== undefined && withinBounds(template.budget, middle)
        : perRun.every((verdict) => verdict?.ok === true);
    return { label: template.label, over, values, median: middle, ok };
  });
  const brokenRuns = verdicts
    .map((verdict, index) => (aborted[index] || verdict.expectedViolations.some((violation) => !violation.reported) ? index + 1 : 0))
    .filter((run) => run > 0);
  // No run judged nothing: whatever cut the runs short, that is never a pass.
  const passed = verdicts.length > 0 && brokenRuns.length === 0 && budgets.every((budget) => budget.ok);
  return { passed, budgets, brokenRuns };
}
