import type { CheckerResult } from "../checker-result.ts";
import { CONNECTION_LOST } from "../browser/browser-user.ts";
import type { History, Operation } from "../history.ts";
import { capped, describeInstant, steadyStateEnd } from "./instants.ts";

/** Every metric the checker can report (budgets name these). */
export const BROWSER_METRICS: readonly string[] = ["steps", "brokenSteady", "brokenPages", "errorDialogs", "logouts", "connectionLost", "notOkWhileFaulted"];

/** The web client's dialog when it meets a SessionExpiredException: the person is logged out. */
const SESSION_EXPIRED = /session expired/i;

/**
 * What a person in a real browser was shown (browser.page operations): in the steady state every
 * page whole (no answer of 400 or more, no failed request); never an error dialog, never sent back
 * to the login page; and after the last fault, a step that worked again. "Connection lost" notices
 * and failed steps while faulted are counted (the outage itself is recovery:browser.page's).
 */
export function checkBrowser(history: History): CheckerResult {
  const name = "browser";
  const steps = history.operations.filter((op) => op.kind === "browser.page").sort((a, b) => a.invokedAt - b.invokedAt || a.id - b.id);
  const faultAt = steadyStateEnd(history);
  // A step still under way when the first fault came may have met it: the steady state is what ended before.
  const steady = steps.filter((op) => op.completedAt < faultAt);
  const brokenSteady = steady.filter((op) => op.outcome !== "ok");
  const brokenPages = steps.filter((op) => (op.shown?.broken.length ?? 0) > 0);
  const dialogs = steps.filter((op) => (op.shown?.dialogs.length ?? 0) > 0);
  const logouts = steps.filter((op) => op.shown?.loggedOut || op.shown?.dialogs.some((title) => SESSION_EXPIRED.test(title)));
  const connectionLost = steps.filter((op) => op.shown?.notices.some((notice) => CONNECTION_LOST.test(notice)));
  const faultedNotOk = steps.filter((op) => op.completedAt >= faultAt && op.outcome !== "ok");
  const lastFailure = steps.filter((op) => op.outcome !== "ok").at(-1);
  const workedAfter = lastFailure === undefined || steps.some((op) => op.outcome === "ok" && op.invokedAt > lastFailure.invokedAt);
  const at = (op: Operation) => `op ${op.id} (${op.key}) at ${describeInstant(history, op.invokedAt)}: ${op.error ?? "ok"}${op.shown?.screenshot ? ` [${op.shown.screenshot}]` : ""}`;
  const counterexamples = [
    ...(steps.length === 0 ? ["no browser step was taken: nothing measured"] : []),
    ...(steady.length === 0 && steps.length > 0 ? ["no browser step before the first fault: the steady state was not seen"] : []),
    ...brokenSteady.map((op) => `steady state: ${at(op)}`),
    ...dialogs.map((op) => `error dialog: ${at(op)}`),
    ...logouts.filter((op) => !dialogs.includes(op)).map((op) => `logged out: ${at(op)}`),
    ...(workedAfter ? [] : [`no step worked after the last failure (${at(lastFailure!)})`]),
  ];
  return {
    name,
    ok: counterexamples.length === 0,
    metrics: {
      steps: steps.length,
      brokenSteady: brokenSteady.length,
      brokenPages: brokenPages.length,
      errorDialogs: dialogs.length,
      logouts: logouts.length,
      connectionLost: connectionLost.length,
      notOkWhileFaulted: faultedNotOk.length,
    },
    summary: `${steps.length} browser steps: ${brokenSteady.length} not whole in the steady state, ${brokenPages.length} broken pages, ${dialogs.length} with an error dialog, ${logouts.length} logged out, ${connectionLost.length} "connection lost", ${faultedNotOk.length} not ok once the first fault came`,
    counterexamples: capped(counterexamples),
  };
}
