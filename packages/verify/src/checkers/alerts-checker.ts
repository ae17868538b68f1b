import type { CheckerResult } from "../checker-result.ts";
import { answersOf, type History } from "../history.ts";
import { describeInstant, faultStart, steadyStateEnd } from "./instants.ts";

/** The metrics of the alerts checker for these rules (budgets name these). */
export function alertsMetrics(rules: readonly string[]): string[] {
  return ["firingSteady", "firingAtEnd", ...rules.flatMap((rule) => [`${rule}.firings`, `${rule}.firedAfterSeconds`, `${rule}.resolvedAfterSeconds`])];
}

/** "OdooNodeDown (odoo2)" is an alert of the rule OdooNodeDown. */
function ofRule(alert: string, rule: string): boolean {
  return alert === rule || alert.startsWith(`${rule} (`);
}

/**
 * What the lab's monitoring told while the run broke it, from the monitor nodes' alerts sampled
 * through the run:
 * - `firingSteady`: alerts firing before the first fault (the steady state should fire none);
 * - `firingAtEnd`: alerts still firing or pending at the run's last sample;
 * - per rule, `<rule>.firings`: how many times it began to fire after the first fault (0: a budget
 *   that it must not fire); `<rule>.firedAfterSeconds`: from the start of the fault that caused it
 *   (the last one injected before it first fired) to that first firing sample;
 *   `<rule>.resolvedAfterSeconds`: from that fault's heal to the first sample after which the rule
 *   neither fires nor is pending to the end (0 when it was over before the heal; absent while it
 *   still fires at the end). Both absent when it never fired after a fault.
 * It holds when nothing fired in the steady state and nothing fires at the end.
 */
export function checkAlerts(history: History, rules: readonly string[]): CheckerResult {
  const name = "alerts";
  const samples = answersOf(history.probes, "alerts");
  if (samples.length === 0) return { name, ok: false, metrics: {}, summary: "no alerts sample: no monitor answered, cannot tell", counterexamples: [] };
  const steadyEnd = steadyStateEnd(history);
  const faults = [...history.faults].sort((a, b) => faultStart(a) - faultStart(b));
  const steadyFiring = [...new Set(samples.filter((sample) => sample.at < steadyEnd).flatMap((sample) => sample.value.firing))];
  const last = samples[samples.length - 1]!;
  const atEnd = [...last.value.firing, ...last.value.pending];
  const metrics: Record<string, number> = { firingSteady: steadyFiring.length, firingAtEnd: atEnd.length };
  const told: string[] = [];
  const afterFault = samples.filter((sample) => sample.at >= steadyEnd && faults.length > 0);
  for (const rule of rules) {
    const firingAt = (sample: (typeof samples)[number]) => sample.value.firing.some((alert) => ofRule(alert, rule));
    const active = (sample: (typeof samples)[number]) => [...sample.value.firing, ...sample.value.pending].some((alert) => ofRule(alert, rule));
    // A stretch begins where the rule fires and the sample before did not (or at the fault, if it fired already).
    metrics[`${rule}.firings`] = afterFault.filter((sample, index) => firingAt(sample) && (index === 0 || !firingAt(afterFault[index - 1]!))).length;
    const fired = afterFault.find(firingAt);
    if (!fired) continue;
    const cause = faults.filter((fault) => faultStart(fault) <= fired.at).at(-1)!;
    const healed = cause.healedAt ?? history.endedAt;
    metrics[`${rule}.firedAfterSeconds`] = (fired.at - faultStart(cause)) / 1000;
    const resolved = samples[samples.findLastIndex(active) + 1];
    if (resolved) metrics[`${rule}.resolvedAfterSeconds`] = Math.max(0, (resolved.at - healed) / 1000);
    told.push(`${rule} fired ${metrics[`${rule}.firedAfterSeconds`]!.toFixed(1)} s after ${cause.id}, ${resolved ? `resolved ${metrics[`${rule}.resolvedAfterSeconds`]!.toFixed(1)} s after its heal` : "STILL ACTIVE at the end"}`);
  }
  const counterexamples = [
    ...steadyFiring.map((alert) => `${alert} fired in the steady state (before ${describeInstant(history, steadyEnd)})`),
    ...atEnd.map((alert) => `${alert} still ${last.value.firing.includes(alert) ? "firing" : "pending"} at ${describeInstant(history, last.at)}`),
  ];
  const ok = steadyFiring.length === 0 && atEnd.length === 0;
  const summary = [
    steadyFiring.length ? `FIRING IN THE STEADY STATE: ${steadyFiring.join(", ")}` : "no alert in the steady state",
    told.length ? told.join("; ") : faults.length ? "no alert fired after the fault" : "no fault",
    ...(atEnd.length ? [`STILL ACTIVE AT THE END: ${atEnd.join(", ")}`] : []),
  ].join("; ");
  return { name, ok, metrics, summary, counterexamples };
}
