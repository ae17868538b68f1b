import type { CheckerResult } from "../checker-result.ts";
import type { History, Operation } from "../history.ts";
import { CLIENT_SATURATED } from "../workload/open-loop-scheduler.ts";
import { capped, describeInstant } from "./instants.ts";

/** Every metric the checker can report (budgets name these). */
export const ODOO_ERRORS_METRICS: readonly string[] = ["failedCalls", "retryable", "jsonErrors", "sessionExpired", "wrongAnswers"];

/**
 * What a failed Odoo call told its client, as an API client (the seed's apps) and the web client
 * read it: retryable (503 with nothing done, a refused connection, a timeout: the same call may be
 * made again), an answer without an error that is wrong (an attachment read back empty), or an error answered in JSON (HTTP 200 with an `error`: an API client has no sign that
 * retrying would work; the web client shows "Odoo Server Error", or logs the user out on "Session
 * Expired"). The workload's own saturation is neither and is not counted.
 */
export function classifyOdooFailure(op: Pick<Operation, "error">): "retryable" | "json-error" | "session-expired" | "wrong-answer" {
  const error = op.error ?? "";
  if (/session ?expired|SessionExpiredException/i.test(error)) return "session-expired";
  // The client's own words for an answer without JSON, or none at all (odoo-error-outcome.ts).
  if (/^(HTTP \d{3}:|client timeout|[A-Z][A-Z_]+:|failed:|lost its answer)/.test(error)) return "retryable";
  // Odoo's JSON-RPC error: the Python exception's dotted name, then its message.
  if (/^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+: /.test(error)) return "json-error";
  // Answered without an error, but not with what was asked (e.g. an attachment with no content).
  return "wrong-answer";
}

export function checkOdooErrors(history: History): CheckerResult {
  const failed = history.operations
    .filter((op) => op.kind.startsWith("odoo.") && op.outcome !== "ok" && op.error !== CLIENT_SATURATED)
    .sort((a, b) => a.invokedAt - b.invokedAt);
  const byClass = (kind: ReturnType<typeof classifyOdooFailure>) => failed.filter((op) => classifyOdooFailure(op) === kind);
  const jsonErrors = byClass("json-error");
  const expired = byClass("session-expired");
  const wrong = byClass("wrong-answer");
  const at = (op: Operation) => `op ${op.id} (${op.kind}) at ${describeInstant(history, op.invokedAt)}: ${op.error}`;
  const counterexamples = [...jsonErrors.map((op) => `JSON error: ${at(op)}`), ...expired.map((op) => `session expired: ${at(op)}`), ...wrong.map((op) => `wrong answer: ${at(op)}`)];
  return {
    name: "odoo-errors",
    ok: counterexamples.length === 0,
    metrics: { failedCalls: failed.length, retryable: failed.length - jsonErrors.length - expired.length - wrong.length, jsonErrors: jsonErrors.length, sessionExpired: expired.length, wrongAnswers: wrong.length },
    summary: `${failed.length} Odoo calls failed: ${failed.length - jsonErrors.length - expired.length - wrong.length} retryable (503, refused, timeout), ${jsonErrors.length} answered with a JSON error, ${expired.length} "session expired", ${wrong.length} answered without an error but wrongly`,
    counterexamples: capped(counterexamples),
  };
}
