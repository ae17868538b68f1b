import type { CheckerResult } from "../checker-result.ts";
import type { History, Operation, OperationKind } from "../history.ts";
import { CLIENT_SATURATED } from "../workload/open-loop-scheduler.ts";
import { STEADY_OPERATIONS } from "../workload/workload-steady.ts";
import { capped, describeInstant, faultStart, faultWindows } from "./instants.ts";

export interface RecoveryOptions {
  /** Budget: the outage of this kind must not last longer (default: no budget, only "did it recover"). */
  maxOutageSeconds?: number;
  /** How many successes in a row, up to the end of the window, count as "steady" (default STEADY_OPERATIONS). */
  steadyOps?: number;
}

/** Every metric the checker can report (budgets name these). */
export const RECOVERY_METRICS: readonly string[] = ["outageSeconds", "recoverySecondsFromFault", "recovered", "operations", "failed", "indeterminate", "saturated", "failedWhileFaulted", "indeterminateWhileFaulted", "failedBeforeFault", "failedAfterHeal", "failoverSeconds"];

/**
 * Outage and time to recovery of one kind of operation, per fault. The outage runs from the first
 * operation after the injection that did not succeed, to the completion of the first success after
 * which every operation of the kind succeeds (at least `steadyOps` of them) until the next fault or
 * the end of the run. Also counts failed and indeterminate operations after each injection, and
 * while the fault was active (up to the start of its heal). An operation still running when the
 * next fault was injected belongs to that fault: it may have failed because of it.
 */
export function checkRecovery(history: History, kind: OperationKind, options: RecoveryOptions = {}): CheckerResult {
  const steadyOps = options.steadyOps ?? STEADY_OPERATIONS;
  const ofKind = history.operations.filter((op) => op.kind === kind).sort((a, b) => a.invokedAt - b.invokedAt || a.id - b.id);
  const name = `recovery:${kind}`;
  const counterexamples: string[] = [];
  const lines: string[] = [];
  let outage = 0;
  let fromFault = 0;
  let failed = 0;
  let indeterminate = 0;
  let saturated = 0;
  let failedWhileFaulted = 0;
  let indeterminateWhileFaulted = 0;
  let operations = 0;
  /** Recovery that happened while the fault was still in place (a failover), across windows. */
  let failover: number | undefined;
  let failedAfterHeal = 0;
  let recoveredAll = true;
  const firstFault = Math.min(...history.faults.map(faultStart), history.endedAt);
  const failedBeforeFault = history.faults.length === 0 ? 0 : ofKind.filter((op) => op.invokedAt < firstFault && op.outcome !== "ok").length;

  const windows = faultWindows(history);
  const windowOf = (op: Operation): number => {
    const invokedIn = windows.findLastIndex((window) => window.start <= op.invokedAt);
    if (invokedIn < 0) return invokedIn; // before the first fault: the steady state, in no window
    return windows.findLastIndex((window) => window.start <= Math.max(op.invokedAt, op.completedAt));
  };
  for (const [index, window] of windows.entries()) {
    const label = window.fault ? `fault ${window.fault.id}` : "run (no fault)";
    const ops = ofKind.filter((op) => windowOf(op) === index);
    operations += ops.length;
    if (ops.length === 0) {
      recoveredAll = false;
      counterexamples.push(`${label}: no ${kind} operation between ${describeInstant(history, window.start)} and ${describeInstant(history, window.end)}: nothing measured`);
      continue;
    }
    const bad = ops.filter((op) => op.outcome !== "ok");
    failed += bad.filter((op) => op.outcome === "fail").length;
    indeterminate += bad.filter((op) => op.outcome === "indeterminate").length;
    saturated += bad.filter((op) => op.error === CLIENT_SATURATED).length;
    const whileFaulted = bad.filter((op) => op.invokedAt < window.faultedUntil);
    failedWhileFaulted += whileFaulted.filter((op) => op.outcome === "fail").length;
    indeterminateWhileFaulted += whileFaulted.filter((op) => op.outcome === "indeterminate").length;
    const failoverMs = failoverWithinFault(ops, window, steadyOps);
    if (failoverMs !== undefined) failover = Math.max(failover ?? 0, failoverMs);
    else if (whileFaulted.length > 0) lines.push(`${label}: ${kind} not steady again before the heal began at ${describeInstant(history, window.faultedUntil)}: no failover measured`);
    failedAfterHeal += bad.filter((op) => op.invokedAt >= window.faultedUntil).length;
    const firstFailure = bad[0];
    if (!firstFailure) {
      lines.push(`${label}: no ${kind} failed`);
      continue;
    }
    const lastBad = bad.at(-1)!;
    const after = ops.filter((op) => op.invokedAt > lastBad.invokedAt || (op.invokedAt === lastBad.invokedAt && op.id > lastBad.id));
    const recovery: Operation | undefined = after[0];
    if (!recovery || after.length < steadyOps) {
      recoveredAll = false;
      const until = window.end;
      outage = Math.max(outage, until - firstFailure.invokedAt);
      counterexamples.push(
        `${label}: ${kind} did not recover: first failure op ${firstFailure.id} at ${describeInstant(history, firstFailure.invokedAt)}, ` +
          `last failure op ${lastBad.id} at ${describeInstant(history, lastBad.invokedAt)} (${lastBad.error ?? lastBad.outcome}), ${after.length} success(es) after it`,
      );
      continue;
    }
    const windowOutage = recovery.completedAt - firstFailure.invokedAt;
    const windowFromFault = recovery.completedAt - window.start;
    outage = Math.max(outage, windowOutage);
    fromFault = Math.max(fromFault, windowFromFault);
    lines.push(`${label}: ${kind} out for ${(windowOutage / 1000).toFixed(1)} s (ops ${firstFailure.id}..${lastBad.id}, ${bad.length} not ok), steady again with op ${recovery.id} at ${describeInstant(history, recovery.completedAt)}`);
    if (options.maxOutageSeconds !== undefined && windowOutage / 1000 > options.maxOutageSeconds) {
      counterexamples.push(`${label}: outage ${(windowOutage / 1000).toFixed(1)} s > budget ${options.maxOutageSeconds} s (first failure op ${firstFailure.id}, recovered with op ${recovery.id})`);
    }
  }
  const ok = counterexamples.length === 0;
  return {
    name,
    ok,
    metrics: {
      outageSeconds: outage / 1000,
      recoverySecondsFromFault: fromFault / 1000,
      recovered: recoveredAll ? 1 : 0,
      operations,
      failed,
      indeterminate,
      saturated,
      failedWhileFaulted,
      indeterminateWhileFaulted,
      failedBeforeFault,
      failedAfterHeal,
      ...(failover !== undefined ? { failoverSeconds: failover / 1000 } : {}),
    },
    summary: [...lines, ...(ok ? [] : ["NOT OK: see counterexamples"])].join("; "),
    counterexamples: capped(counterexamples),
  };
}

/**
 * Time from the injection to the first success after which every operation succeeds (at least
 * `steadyOps`) until the heal begins: the service recovered while the fault was still in place (a
 * failover). 0 when nothing failed while faulted and at least `steadyOps` succeeded (users saw no
 * outage: a restart between two requests); undefined when it did not recover, or too few operations
 * ran to tell. What the heal itself disturbs (an old primary powering on and rejoining) is counted
 * separately, as failures after the heal.
 */
function failoverWithinFault(ops: Operation[], window: { start: number; faultedUntil: number }, steadyOps: number): number | undefined {
  const whileFaulted = ops.filter((op) => op.invokedAt < window.faultedUntil);
  const lastBad = whileFaulted.filter((op) => op.outcome !== "ok").at(-1);
  if (!lastBad) return whileFaulted.length >= steadyOps ? 0 : undefined;
  const steady = whileFaulted.filter((op) => op.invokedAt > lastBad.invokedAt || (op.invokedAt === lastBad.invokedAt && op.id > lastBad.id));
  return steady.length >= steadyOps ? steady[0]!.completedAt - window.start : undefined;
}
