import type { CheckerResult } from "../checker-result.ts";
import type { History } from "../history.ts";
import { capped, describeInstant, steadyStateEnd } from "./instants.ts";

export interface SessionSurvivalOptions {
  /** Budget of failed or indeterminate session calls after the fault (default: no budget). */
  maxFailures?: number;
  /** Accept a session id the server rotated on a successful call (default false: one session all along). */
  allowRotation?: boolean;
}

const SESSION_EXPIRED = /session ?expired|SessionExpiredException/i;

/** Every metric the checker can report (budgets name these). */
export const SESSION_SURVIVAL_METRICS: readonly string[] = ["calls", "callsAfterFault", "failedAfterFault", "sessionExpired", "sessions"];

/**
 * A logged-in web session keeps working through the fault: after the injection no call is refused
 * as "Session expired", the session is still the one opened at the start, and calls succeed again
 * after the last failure. Failures (e.g. during a database outage) are counted.
 */
export function checkSessionSurvival(history: History, options: SessionSurvivalOptions = {}): CheckerResult {
  const name = "session-survival";
  const calls = history.operations.filter((op) => op.kind === "odoo.session.call").sort((a, b) => a.invokedAt - b.invokedAt || a.id - b.id);
  const faultAt = steadyStateEnd(history);
  // Without a fault the whole run is judged: the session must simply keep working.
  const afterFault = calls.filter((op) => op.invokedAt >= faultAt || history.faults.length === 0);
  const failures = afterFault.filter((op) => op.outcome !== "ok");
  const expired = calls.filter((op) => SESSION_EXPIRED.test(op.error ?? ""));
  const sessions = [...new Set(calls.map((op) => op.key).filter((key): key is string => key !== undefined))];
  const lastFailure = failures.at(-1);
  const succeededAfter = afterFault.some((op) => op.outcome === "ok" && (!lastFailure || op.invokedAt > lastFailure.invokedAt));
  const counterexamples = [
    ...(sessions.length > 1 && !options.allowRotation ? [`${sessions.length} different sessions used: ${sessions.join(", ")}`] : []),
    ...(afterFault.length === 0 ? ["no session call after the fault: nothing measured"] : []),
    ...(afterFault.length > 0 && !succeededAfter ? [`no session call succeeded after the last failure (op ${lastFailure?.id}: ${lastFailure?.error})`] : []),
    ...(options.maxFailures !== undefined && failures.length > options.maxFailures
      ? [`${failures.length} session calls failed after the fault > budget ${options.maxFailures}: ops ${failures.slice(0, 10).map((op) => op.id).join(", ")}`]
      : []),
    ...expired.map((op) => `op ${op.id} at ${describeInstant(history, op.invokedAt)}: ${op.error}`),
  ];
  return {
    name,
    ok: counterexamples.length === 0,
    metrics: { calls: calls.length, callsAfterFault: afterFault.length, failedAfterFault: failures.length, sessionExpired: expired.length, sessions: sessions.length },
    summary: `${afterFault.length} session calls after the fault: ${failures.length} not ok, ${expired.length} "session expired", ${sessions.length} session(s)`,
    counterexamples: capped(counterexamples),
  };
}
