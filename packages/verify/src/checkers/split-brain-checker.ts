import type { CheckerResult } from "../checker-result.ts";
import { answersOf, samplesOf, type History } from "../history.ts";
import { capped, describeInstant } from "./instants.ts";

/** Every metric the checker can report (budgets name these). */
export const SPLIT_BRAIN_METRICS: readonly string[] = ["samples", "answered", "violations", "maxWritable", "samplesWithoutPrimary", "samplesWithUnreachableNode"];

/**
 * Split brain: at every probe instant at most one PostgreSQL node accepts writes (each node asked
 * directly). Names every instant with more than one writable node, and the nodes. A history with
 * no samples fails: absence of evidence is not evidence.
 */
export function checkSplitBrain(history: History): CheckerResult {
  const name = "split-brain";
  const samples = samplesOf(history.probes, "writable-primaries");
  const answered = answersOf(history.probes, "writable-primaries");
  const violations = answered.filter((sample) => sample.value.writable.length > 1);
  const maxWritable = Math.max(0, ...answered.map((sample) => sample.value.writable.length));
  const noPrimary = answered.filter((sample) => sample.value.writable.length === 0).length;
  const withUnreachable = answered.filter((sample) => sample.value.unreachable.length > 0).length;
  const ok = answered.length > 0 && violations.length === 0;
  return {
    name,
    ok,
    metrics: { samples: samples.length, answered: answered.length, violations: violations.length, maxWritable, samplesWithoutPrimary: noPrimary, samplesWithUnreachableNode: withUnreachable },
    summary:
      answered.length === 0
        ? "no writable-primaries sample answered: split brain cannot be ruled out"
        : violations.length === 0
          ? `at most one writable primary in all ${answered.length} samples (${noPrimary} with none)`
          : `SPLIT BRAIN at ${violations.length} of ${answered.length} instants`,
    counterexamples: capped(violations.map((sample) => `${describeInstant(history, sample.at)}: ${sample.value.writable.join(", ")} all accept writes`)),
  };
}
