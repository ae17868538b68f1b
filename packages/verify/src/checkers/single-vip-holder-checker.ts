import type { CheckerResult } from "../checker-result.ts";
import type { History } from "../history.ts";
import { capped, describeInstant } from "./instants.ts";

/** At most one load balancer holds the VIP at every probe instant; also counts instants with none and holder changes. */
export function checkSingleVipHolder(history: History): CheckerResult {
  const name = "single-vip-holder";
  const samples = history.probes.filter((sample) => sample.probe === "vip-holders" && Array.isArray(sample.value.holders));
  const holdersOf = (value: Record<string, unknown>) => value.holders as string[];
  const violations = samples.filter((sample) => holdersOf(sample.value).length > 1);
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
    metrics: { samples: samples.length, violations: violations.length, samplesWithoutHolder: none.length, holderChanges: changes },
    summary:
      samples.length === 0
        ? "no vip-holders sample: cannot tell"
        : violations.length === 0
          ? `at most one VIP holder in all ${samples.length} samples (${none.length} with none, ${changes} changes)`
          : `TWO VIP HOLDERS at ${violations.length} of ${samples.length} instants`,
    counterexamples: capped(violations.map((sample) => `${describeInstant(history, sample.at)}: ${holdersOf(sample.value).join(", ")} all hold the VIP`)),
  };
}
