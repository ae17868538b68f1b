import { createHash } from "node:crypto";
import { OdooClient } from "../odoo/odoo-client.ts";
import type { FinalRead } from "../history.ts";
import { odooErrorOutcome } from "../workload/odoo-error-outcome.ts";
import { chunks, type WriteTarget } from "./write-targets.ts";

export interface AppNode {
  name: string;
  url: string;
}

export interface AppNodeReadOptions {
  db: string;
  login: string;
  password: string;
  timeoutMs: number;
}

/**
 * Reads acknowledged partners and attachments back through one app node directly (bypassing the
 * load balancer), with search_read so an absent record is an empty answer rather than an error.
 */
export async function readBackThroughAppNode(
  node: AppNode,
  partners: WriteTarget[],
  attachments: WriteTarget[],
  options: AppNodeReadOptions,
): Promise<{ reads: FinalRead[]; error?: string }> {
  const client = new OdooClient({ url: node.url, db: options.db, timeoutMs: options.timeoutMs });
  const base = (t: WriteTarget) => ({ opId: t.op.id, kind: t.op.kind, key: t.key, path: "app" as const, via: node.name });
  const acknowledgedPartners = partners.filter((t) => t.recordId !== undefined);
  const acknowledgedAttachments = attachments.filter((t) => t.recordId !== undefined);
  const unreadable = (targets: WriteTarget[], detail: string): FinalRead[] => targets.map((t) => ({ ...base(t), status: "unreadable", detail }));
  try {
    const uid = await client.login(options.login, options.password);
    if (uid === false) throw new Error(`login refused on ${node.name}`);
  } catch (error) {
    const detail = `cannot log in on ${node.name}: ${odooErrorOutcome(error).error ?? (error as Error).message}`;
    return { reads: [...unreadable(acknowledgedPartners, detail), ...unreadable(acknowledgedAttachments, detail)], error: detail };
  }

  const reads: FinalRead[] = [];
  for (const part of chunks(acknowledgedPartners, 200)) {
    try {
      const rows = await client.executeKw<{ id: number; name: string }[]>("res.partner", "search_read", [[["id", "in", part.map((t) => t.recordId)]]], { fields: ["name"] });
      const names = new Map(rows.map((row) => [row.id, row.name]));
      for (const t of part) {
        const name = names.get(t.recordId!);
        reads.push(name === undefined ? { ...base(t), status: "missing" } : name === t.key ? { ...base(t), status: "present" } : { ...base(t), status: "different", detail: `reads '${name}'` });
      }
    } catch (error) {
      reads.push(...unreadable(part, odooErrorOutcome(error).error ?? String(error)));
    }
  }
  for (const part of chunks(acknowledgedAttachments, 25)) {
    try {
      const rows = await client.executeKw<{ id: number; datas: string | false }[]>("ir.attachment", "search_read", [[["id", "in", part.map((t) => t.recordId)]]], { fields: ["datas"] });
      const contents = new Map(rows.map((row) => [row.id, row.datas]));
      for (const t of part) {
        if (!contents.has(t.recordId!)) reads.push({ ...base(t), status: "missing" });
        else {
          const datas = contents.get(t.recordId!);
          if (!datas) reads.push({ ...base(t), status: "missing", detail: "the record exists but its content does not (file missing on the filestore?)" });
          else {
            const hash = createHash("sha1").update(Buffer.from(datas, "base64")).digest("hex");
            reads.push(hash === t.key ? { ...base(t), status: "present" } : { ...base(t), status: "different", detail: `sha1 ${hash}` });
          }
        }
      }
    } catch (error) {
      reads.push(...unreadable(part, odooErrorOutcome(error).error ?? String(error)));
    }
  }
  return { reads };
}
