import type { CheckerResult } from "../checker-result.ts";
import { answersOf, type History } from "../history.ts";
import { capped, describeInstant } from "./instants.ts";

/** Every metric the checker can report (budgets name these). */
export const SINGLE_VIP_HOLDER_METRICS: readonly string[] = ["samples", "violations", "handoverInstants", "samplesWithoutHolder", "holderChanges"];

/**
 * At most one load balancer holds the VIP at every probe instant; also counts instants with none and
 * holder changes.
 *
 * One exception, the resolution of the probe: it asks the balancers one after the other within its
 * sample (`tookMs`, 150–320 ms on a loaded machine), so a clean move from A to B can be seen half
 * done, A still holding by its answer and B already holding by its own (keepalived's stop itself
 * sends its priority-0 advert before it removes the address). Such an instant is a handover, not a
 * split brain, when it stands alone between an instant held by A alone and one held by B alone; it is
 * counted (`handoverInstants`). Two holders at two instants in a row, or around the same holder, fail.
 */
export function checkSingleVipHolder(history: History): CheckerResult {
  const name = "single-vip-holder";
  const samples = answersOf(history.probes, "vip-holders");
  const holdersOf = (value: { holders: string[] }) => value.holders;
  const isHandover = (index: number): boolean => {
    const [before, now, after] = [samples[index - 1], samples[index], samples[index + 1]].map((sample) => (sample ? holdersOf(sample.value) : []));
    return now!.length === 2 && before!.length === 1 && after!.length === 1 && before![0] !== after![0] && now!.includes(before![0]!) && now!.includes(after![0]!);
  };
  const doubles = samples.map((sample, index) => ({ sample, index })).filter(({ sample }) => holdersOf(sample.value).length > 1);
  const handovers = doubles.filter(({ index }) => isHandover(index)).length;
  const violations = doubles.filter(({ index }) => !isHandover(index)).map(({ sample }) => sample);
  const none = samples.filter((sample) => holdersOf(sample.value).length === 0);
  let changes = 0;
  let last: string | undefined;
  for (const sample of samples) {
    const [holder] = holdersOf(sample.value);
    if (holdersOf(sample.value).length === 1 && holder !== last) {
      if (last !== undefined) changes++;
      last = holder;
    }
  }
  const ok = samples.length > 0 && violations.length === 0;
  return {
    name,
    ok,
    metrics: { samples: samples.length, violations: violations.length, handoverInstants: handovers, samplesWithoutHolder: none.length, holderChanges: changes },
    summary:
      samples.length === 0
        ? "no vip-holders sample: cannot tell"
        : violations.length === 0
          ? `at most one VIP holder in all ${samples.length} samples (${none.length} with none, ${changes} changes${handovers ? `, ${handovers} seen mid-handover` : ""})`
          : `TWO VIP HOLDERS at ${violations.length} of ${samples.length} instants`,
    counterexamples: capped(violations.map((sample) => `${describeInstant(history, sample.at)}: ${holdersOf(sample.value).join(", ")} all hold the VIP`)),
  };
}
