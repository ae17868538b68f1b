import type { Operation, OperationKind } from "../history.ts";

/** A write to read back: acknowledged ones must be there; indeterminate ones are looked up to report what happened. */
export interface WriteTarget {
  op: Operation;
  key: string;
  /** Odoo's record id, when the write was acknowledged with one. */
  recordId: number | undefined;
}

export function writeTargets(operations: readonly Operation[], kind: OperationKind): WriteTarget[] {
  return operations
    .filter((op) => op.kind === kind && op.key !== undefined && (op.outcome === "ok" || op.outcome === "indeterminate"))
    .map((op) => ({ op, key: op.key!, recordId: op.outcome === "ok" && op.value !== undefined && /^\d+$/.test(op.value) ? Number(op.value) : undefined }));
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
