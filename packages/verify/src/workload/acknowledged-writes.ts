import type { Operation } from "../history.ts";

export interface AcknowledgedRecord {
  /** The write's key (partner name, attachment content hash, SQL id). */
  key: string;
  /** Odoo's record id, for Odoo writes. */
  recordId?: number;
}

/**
 * The writes the system acknowledged so far, per kind, so reads ask for something that must exist.
 * Fed only from recorded operations: a write whose answer came after its client timeout stays
 * indeterminate and is never read as if acknowledged.
 */
export class AcknowledgedWrites {
  private readonly byKind = new Map<string, AcknowledgedRecord[]>();

  record(operation: Operation): void {
    if (operation.outcome !== "ok" || operation.key === undefined) return;
    if (!["sql.write", "odoo.partner.write", "odoo.attachment.upload"].includes(operation.kind)) return;
    const recordId = operation.value !== undefined && /^\d+$/.test(operation.value) ? Number(operation.value) : undefined;
    const list = this.byKind.get(operation.kind) ?? [];
    list.push(recordId === undefined ? { key: operation.key } : { key: operation.key, recordId });
    this.byKind.set(operation.kind, list);
  }

  /** A random acknowledged write of the kind, or undefined if there is none yet. */
  pick(kind: "sql.write" | "odoo.partner.write" | "odoo.attachment.upload"): AcknowledgedRecord | undefined {
    const list = this.byKind.get(kind);
    if (!list || list.length === 0) return undefined;
    return list[Math.floor(Math.random() * list.length)];
  }
}
