import type { Operation, OperationKind } from "../history.ts";

/** How many successes in a row of each kind make the workload steady (the recovery checker's default). */
export const STEADY_OPERATIONS = 3;

/**
 * Undefined when the last STEADY_OPERATIONS operations of every kind, among those invoked at or after
 * `since` and completed, all succeeded; else which kinds are not steady yet and why. Ordered by when
 * they were invoked, so a late answer to an old request does not count as the newest.
 */
export function workloadSteadyProblem(operations: readonly Operation[], kinds: readonly OperationKind[], since: number): string | undefined {
  const problems = kinds.flatMap((kind) => {
    const recent = operations
      .filter((op) => op.kind === kind && op.invokedAt >= since)
      .sort((a, b) => a.invokedAt - b.invokedAt || a.id - b.id)
      .slice(-STEADY_OPERATIONS);
    if (recent.length < STEADY_OPERATIONS) return [`${kind}: ${recent.length} of ${STEADY_OPERATIONS} operations answered so far`];
    const bad = recent.filter((op) => op.outcome !== "ok");
    return bad.length === 0 ? [] : [`${kind}: op ${bad.at(-1)!.id} ${bad.at(-1)!.outcome} (${bad.at(-1)!.error ?? "no detail"})`];
  });
  return problems.length === 0 ? undefined : problems.join("; ");
}
