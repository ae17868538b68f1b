import type { FaultEvent, History } from "../history.ts";

/** An instant as a reader of the report finds it: seconds into the run, and the wall-clock time. */
export function describeInstant(history: Pick<History, "startedAt">, at: number): string {
  return `t+${((at - history.startedAt) / 1000).toFixed(2)}s (${new Date(at).toISOString()})`;
}

/** When a fault began for the lab: when it took effect if its action said, else when its injection began. */
export function faultStart(fault: FaultEvent): number {
  return fault.landedAt ?? fault.injectedAt;
}

export interface FaultWindow {
  fault: FaultEvent | undefined;
  /** From the fault's start (faultStart) ... */
  start: number;
  /** ... to the next injection or the end of the run: recovery after the heal belongs to this fault. */
  end: number;
  /** Where "while faulted" ends: when the heal began (or, if that is not known, when it ended; `end` if never healed). */
  faultedUntil: number;
}

/** One window per fault, in injection order; a history without faults is one window over the whole run. */
export function faultWindows(history: History): FaultWindow[] {
  const faults = [...history.faults].sort((a, b) => faultStart(a) - faultStart(b));
  if (faults.length === 0) return [{ fault: undefined, start: history.startedAt, end: history.endedAt, faultedUntil: history.endedAt }];
  return faults.map((fault, index) => {
    const next = faults[index + 1];
    const end = next ? faultStart(next) : history.endedAt;
    return { fault, start: faultStart(fault), end, faultedUntil: fault.healStartedAt ?? fault.healedAt ?? end };
  });
}

/** Before the first fault: the steady state the run is compared against. */
export function steadyStateEnd(history: History): number {
  return history.faults.length === 0 ? history.endedAt : Math.min(...history.faults.map(faultStart));
}

/** From the first injection to the last heal (or the end of the run if a fault was never healed). */
export function faultSpan(history: History): { start: number; end: number } | undefined {
  if (history.faults.length === 0) return undefined;
  const start = Math.min(...history.faults.map(faultStart));
  const end = history.faults.some((fault) => fault.healedAt === undefined) ? history.endedAt : Math.max(...history.faults.map((fault) => fault.healedAt!));
  return { start, end };
}

/** At most `limit` counterexamples, with a count of the rest, so a report stays readable. */
export function capped(items: string[], limit = 20): string[] {
  return items.length <= limit ? items : [...items.slice(0, limit), `… and ${items.length - limit} more`];
}

/** Nearest-rank percentile of a sorted list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
