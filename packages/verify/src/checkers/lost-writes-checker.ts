import type { CheckerResult } from "../checker-result.ts";
import { WRITE_KINDS, type History } from "../history.ts";
import { capped } from "./instants.ts";

/** Every metric the checker can report (budgets name these). */
export const LOST_WRITES_METRICS: readonly string[] = ["acknowledged", "lost", "unverified", "duplicated", "indeterminate", "indeterminateFound", ...WRITE_KINDS.map((kind) => `acknowledged:${kind}`)];

/**
 * Lost acknowledged writes: every write the system acknowledged (SQL insert, partner create,
 * attachment upload) must be found by the final verification. Lost = some path read it back as
 * missing or different. Unverified = no path could read it (that is not a pass: nothing was proven).
 * Duplicated = it took effect more than once (a request replayed after the server that got it died):
 * judged for acknowledged and indeterminate writes alike, since neither may happen twice.
 * Indeterminate writes may or may not have happened; how many did is reported, not judged.
 */
export function checkLostWrites(history: History): CheckerResult {
  const name = "lost-writes";
  const acknowledged = history.operations.filter((op) => WRITE_KINDS.includes(op.kind) && op.outcome === "ok");
  const final = history.finalState;
  if (!final) return { name, ok: false, metrics: { acknowledged: acknowledged.length }, summary: "no final verification in the history: cannot tell whether writes were lost", counterexamples: [] };
  const readsByOp = new Map<number, typeof final.reads>();
  for (const read of final.reads) readsByOp.set(read.opId, [...(readsByOp.get(read.opId) ?? []), read]);

  const lost: string[] = [];
  const unverified: string[] = [];
  const duplicated: string[] = [];
  for (const op of history.operations.filter((candidate) => WRITE_KINDS.includes(candidate.kind))) {
    const twice = (readsByOp.get(op.id) ?? []).filter((read) => read.status === "duplicated");
    if (twice.length > 0) duplicated.push(`op ${op.id} ${op.kind} (${op.outcome}) key ${op.key}: duplicated via ${twice[0]!.via} (${twice[0]!.path}): ${twice[0]!.detail}`);
  }
  for (const op of acknowledged) {
    const reads = readsByOp.get(op.id) ?? [];
    const bad = reads.filter((read) => read.status === "missing" || read.status === "different");
    if (bad.length > 0) {
      lost.push(`op ${op.id} ${op.kind} key ${op.key}: ${bad.map((read) => `${read.status} via ${read.via} (${read.path})${read.detail ? `: ${read.detail}` : ""}`).join("; ")}`);
    } else if (!reads.some((read) => read.status === "present")) {
      unverified.push(`op ${op.id} ${op.kind} key ${op.key}: not verified (${reads.map((read) => `${read.via}: ${read.detail ?? read.status}`).join("; ") || "never read back"})`);
    }
  }
  const indeterminate = history.operations.filter((op) => WRITE_KINDS.includes(op.kind) && op.outcome === "indeterminate");
  const tookEffect = (read: { path: string; status: string }) => read.path === "database" && (read.status === "present" || read.status === "duplicated");
  const indeterminateFound = indeterminate.filter((op) => (readsByOp.get(op.id) ?? []).some(tookEffect)).length;
  const perKind = Object.fromEntries(WRITE_KINDS.map((kind) => [`acknowledged:${kind}`, acknowledged.filter((op) => op.kind === kind).length]));
  const nothing = acknowledged.length === 0;
  const ok = !nothing && lost.length === 0 && unverified.length === 0 && duplicated.length === 0;
  const summary = nothing
    ? "no write was acknowledged: the workload wrote nothing, so nothing was proven"
    : `${acknowledged.length} acknowledged writes: ${lost.length} lost, ${unverified.length} unverified, ${duplicated.length} duplicated; ${indeterminateFound} of ${indeterminate.length} indeterminate writes took effect`;
  return {
    name,
    ok,
    metrics: { acknowledged: acknowledged.length, lost: lost.length, unverified: unverified.length, duplicated: duplicated.length, indeterminate: indeterminate.length, indeterminateFound, ...perKind },
    summary,
    counterexamples: capped([...lost, ...duplicated, ...unverified, ...final.errors.map((error) => `final verification: ${error}`)]),
  };
}
