import type { CheckerResult } from "../checker-result.ts";
import type { History, OperationKind } from "../history.ts";
import { faultSpan, percentile, steadyStateEnd } from "./instants.ts";

/**
 * The steady state's p99 a kind gets unless a scenario says otherwise: one call, 1 s; a browser step
 * is a whole page load with its bundles and the web client's calls, 1.1–3.6 s measured on a quiet lab.
 */
const DEFAULT_STEADY_P99_MS: Partial<Record<OperationKind, number>> = { "browser.page": 10_000 };

export interface LatencyOptions {
  /** Budget for the steady state's p99 (default 1000 ms; a browser step 10 s). */
  maxSteadyP99Ms?: number;
  /** Budget for the p99 while faulted (default: none). */
  maxFaultP99Ms?: number;
}

/** Every metric the checker can report (budgets name these). */
export const LATENCY_METRICS: readonly string[] = ["steadyP50Ms", "steadyP95Ms", "steadyP99Ms", "steadyCount", "faultP50Ms", "faultP95Ms", "faultP99Ms", "faultCount", "faultNotOk"];

/**
 * Latency percentiles of one kind, from the scheduled instant to the answer (so a client that fell
 * behind shows), over acknowledged operations only: in the steady state (before the first fault)
 * and during the fault (first injection to last heal). Operations that did not succeed are counted,
 * not timed: their "latency" is a timeout, not a service time.
 */
export function checkLatency(history: History, kind: OperationKind, options: LatencyOptions = {}): CheckerResult {
  const name = `latency:${kind}`;
  const steadyEnd = steadyStateEnd(history);
  const span = faultSpan(history);
  const ofKind = history.operations.filter((op) => op.kind === kind);
  const steady = ofKind.filter((op) => op.invokedAt < steadyEnd && op.completedAt <= steadyEnd);
  const faulted = span ? ofKind.filter((op) => op.invokedAt >= span.start && op.invokedAt <= span.end) : [];
  const times = (ops: typeof ofKind) => ops.filter((op) => op.outcome === "ok").map((op) => op.completedAt - op.invokedAt).sort((a, b) => a - b);
  const steadyTimes = times(steady);
  const faultTimes = times(faulted);
  const p = (sorted: number[], q: number) => (sorted.length === 0 ? -1 : percentile(sorted, q));
  const steadyBudget = options.maxSteadyP99Ms ?? DEFAULT_STEADY_P99_MS[kind] ?? 1000;
  const counterexamples: string[] = [];
  if (steadyTimes.length === 0) counterexamples.push(`no acknowledged ${kind} before the first fault: no steady state to compare with`);
  else if (p(steadyTimes, 99) > steadyBudget) counterexamples.push(`steady-state p99 ${p(steadyTimes, 99)} ms > budget ${steadyBudget} ms`);
  if (options.maxFaultP99Ms !== undefined && faultTimes.length > 0 && p(faultTimes, 99) > options.maxFaultP99Ms) {
    counterexamples.push(`p99 during the fault ${p(faultTimes, 99)} ms > budget ${options.maxFaultP99Ms} ms`);
  }
  const slowest = [...steady].filter((op) => op.outcome === "ok").sort((a, b) => b.completedAt - b.invokedAt - (a.completedAt - a.invokedAt))[0];
  if (counterexamples.length > 0 && slowest) counterexamples.push(`slowest steady op ${slowest.id}: ${slowest.completedAt - slowest.invokedAt} ms`);
  const fmt = (sorted: number[]) => (sorted.length === 0 ? "none" : `p50 ${p(sorted, 50)} / p95 ${p(sorted, 95)} / p99 ${p(sorted, 99)} ms (n=${sorted.length})`);
  return {
    name,
    ok: counterexamples.length === 0,
    metrics: {
      steadyP50Ms: p(steadyTimes, 50),
      steadyP95Ms: p(steadyTimes, 95),
      steadyP99Ms: p(steadyTimes, 99),
      steadyCount: steadyTimes.length,
      faultP50Ms: p(faultTimes, 50),
      faultP95Ms: p(faultTimes, 95),
      faultP99Ms: p(faultTimes, 99),
      faultCount: faultTimes.length,
      faultNotOk: faulted.length - faultTimes.length,
    },
    summary: `steady ${fmt(steadyTimes)}; during fault ${fmt(faultTimes)} (+${faulted.length - faultTimes.length} not ok); -1 = no sample`,
    counterexamples,
  };
}
