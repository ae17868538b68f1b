import type { CheckerResult } from "../checker-result.ts";
import { answersOf, type History, type ProbeAnswerOf } from "../history.ts";
import { describeInstant, faultWindows } from "./instants.ts";

/** Every metric the checker can report (budgets name these). */
export const VIP_FAILOVER_METRICS: readonly string[] = ["seconds", "moves"];

/**
 * How long the VIP took to reach another load balancer after each fault: from its start (faultStart) to the
 * first probe sample showing exactly one holder that is not the one before the fault. Probes sample
 * every 250 ms, so that is the resolution. A move after the next fault was injected is that fault's,
 * not this one's. A fault after which the VIP never moved measures nothing (a budget on `seconds`
 * then fails, as it should when the VIP was meant to move).
 */
export function checkVipFailover(history: History): CheckerResult {
  const name = "vip-failover";
  const samples = answersOf(history.probes, "vip-holders").sort((a, b) => a.at - b.at);
  const single = (sample: ProbeAnswerOf<"vip-holders">): string | undefined => {
    const holders = sample.value.holders;
    return holders.length === 1 ? holders[0] : undefined;
  };
  const moves: number[] = [];
  const lines: string[] = [];
  for (const { fault, start, end } of faultWindows(history)) {
    if (!fault) continue; // a run without faults: nothing was meant to move
    const before = samples.filter((sample) => sample.at <= start).map(single).filter(Boolean).at(-1);
    const moved = samples.find((sample) => sample.at > start && sample.at <= end && single(sample) !== undefined && single(sample) !== before);
    if (!before) {
      lines.push(`fault ${fault.id}: no single VIP holder before it`);
    } else if (moved) {
      const seconds = (moved.at - start) / 1000;
      moves.push(seconds);
      lines.push(`fault ${fault.id} (${fault.description}): VIP ${before} → ${single(moved)} in ${seconds.toFixed(2)} s (at ${describeInstant(history, moved.at)})`);
    } else {
      lines.push(`fault ${fault.id} (${fault.description}): VIP stayed on ${before}`);
    }
  }
  return {
    name,
    ok: samples.length > 0,
    metrics: moves.length > 0 ? { seconds: Math.max(...moves), moves: moves.length } : { moves: 0 },
    summary: samples.length === 0 ? "no vip-holders sample: cannot tell" : lines.join("; ") || "no fault",
    counterexamples: [],
  };
}
