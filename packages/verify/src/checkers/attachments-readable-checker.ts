import type { CheckerResult } from "../checker-result.ts";
import type { FinalReadStatus, History } from "../history.ts";
import { capped } from "./instants.ts";

/** Every metric the checker can report (budgets name these): the uploads, the nodes read through, reads per status. */
export const ATTACHMENTS_READABLE_METRICS: readonly string[] = ["attachments", "appNodes", "present", "missing", "different", "duplicated", "unreadable"];

/**
 * After the heal, every acknowledged attachment is readable with the same bytes through every app
 * node directly: the shared filestore really is shared, and nothing written during the fault was
 * left on one node only.
 */
export function checkAttachmentsReadable(history: History): CheckerResult {
  const name = "attachments-readable";
  const uploads = history.operations.filter((op) => op.kind === "odoo.attachment.upload" && op.outcome === "ok");
  const final = history.finalState;
  if (!final) return { name, ok: false, metrics: { attachments: uploads.length }, summary: "no final verification in the history", counterexamples: [] };
  // `duplicated` is a database finding (lost-writes judges it); reads through an app node never say it.
  const counts: Record<FinalReadStatus, number> = { present: 0, missing: 0, different: 0, duplicated: 0, unreadable: 0 };
  const counterexamples: string[] = [];
  for (const op of uploads) {
    for (const node of final.appNodes) {
      const read = final.reads.find((candidate) => candidate.opId === op.id && candidate.path === "app" && candidate.via === node);
      const status = read?.status ?? "unreadable";
      counts[status]++;
      if (status !== "present") counterexamples.push(`op ${op.id} attachment ${op.value} (sha1 ${op.key}) through ${node}: ${status}${read?.detail ? `: ${read.detail}` : read ? "" : " (never read)"}`);
    }
  }
  const ok = uploads.length > 0 && final.appNodes.length > 0 && counterexamples.length === 0;
  return {
    name,
    ok,
    metrics: { attachments: uploads.length, appNodes: final.appNodes.length, ...counts },
    summary:
      uploads.length === 0
        ? "no attachment upload was acknowledged: nothing to read back"
        : `${uploads.length} attachments × ${final.appNodes.length} app nodes (${final.appNodes.join(", ")}): ${counts.present} reads with the same bytes, ${counts.missing} missing, ${counts.different} different, ${counts.unreadable} unreadable`,
    counterexamples: capped(counterexamples),
  };
}
