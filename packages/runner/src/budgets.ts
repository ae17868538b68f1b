import type { CheckerResult } from "@odoo-ha-lab/verify";
import type { Budget, Scenario } from "./scenario-schema.ts";

export interface BudgetVerdict {
  budget: Budget;
  /** e.g. "recovery:sql.write.recoverySecondsFromFault ≤ 10" */
  label: string;
  ok: boolean;
  measured?: number;
  detail: string;
}

export interface ScenarioVerdict {
  passed: boolean;
  budgets: BudgetVerdict[];
  /** For negative controls: which expected violations the checkers did (not) report. */
  expectedViolations: { checker: string; reported: boolean }[];
  summary: string;
}

function describeBudget(budget: Budget): string {
  const bounds = [budget.max !== undefined ? `≤ ${budget.max}` : "", budget.min !== undefined ? `≥ ${budget.min}` : ""].filter(Boolean).join(" and ");
  return budget.metric ? `${budget.checker}.${budget.metric} ${bounds}` : `${budget.checker} holds`;
}

/** Whether a measured value holds the budget's bounds (the one place a bound is compared). */
export function withinBounds(budget: Pick<Budget, "max" | "min">, value: number): boolean {
  return (budget.max === undefined || value <= budget.max) && (budget.min === undefined || value >= budget.min);
}

export function evaluateBudget(budget: Budget, results: CheckerResult[]): BudgetVerdict {
  const label = describeBudget(budget);
  const result = results.find((candidate) => candidate.name === budget.checker);
  if (!result) return { budget, label, ok: false, detail: `${describeBudget(budget)}: checker '${budget.checker}' produced no result` };
  if (!budget.metric) return { budget, label, ok: result.ok, detail: `${describeBudget(budget)}: ${result.summary}` };
  const measured = result.metrics[budget.metric];
  if (measured === undefined || Number.isNaN(measured)) {
    // The checker's summary says why (e.g. a service that was not steady again before the heal).
    return { budget, label, ok: false, detail: `${describeBudget(budget)}: '${budget.checker}' has no metric '${budget.metric}' (has: ${Object.keys(result.metrics).join(", ")}): ${result.summary}` };
  }
  const ok = withinBounds(budget, measured);
  return { budget, label, ok, measured, detail: `${describeBudget(budget)}: measured ${round(measured)}${ok ? "" : " — BUDGET MISSED"}` };
}

/**
 * A scenario passes when every budget holds; a negative control passes only when the checkers it
 * names reported the violation it provokes (so those checkers are shown able to fail).
 */
export function evaluateScenario(scenario: Scenario, results: CheckerResult[]): ScenarioVerdict {
  const budgets = scenario.budgets.map((budget) => evaluateBudget(budget, results));
  const violatedNames = scenario.expect === "pass" ? [] : scenario.expect.violated;
  const expectedViolations = violatedNames.map((checker) => ({ checker, reported: results.some((result) => result.name === checker && !result.ok) }));
  const passed = budgets.every((verdict) => verdict.ok) && expectedViolations.every((violation) => violation.reported);
  const missed = budgets.filter((verdict) => !verdict.ok).map((verdict) => verdict.detail);
  const unreported = expectedViolations.filter((violation) => !violation.reported).map((violation) => `expected '${violation.checker}' to report a violation, it did not`);
  const summary = passed ? `${scenario.name}: PASS (${budgets.length} budgets${violatedNames.length ? `, violations detected: ${violatedNames.join(", ")}` : ""})` : `${scenario.name}: FAIL — ${[...missed, ...unreported].join("; ")}`;
  return { passed, budgets, expectedViolations, summary };
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
