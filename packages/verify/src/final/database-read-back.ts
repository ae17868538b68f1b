import { markerWorker } from "../odoo/run-marker-code.ts";
import type pg from "pg";
import type { FinalRead } from "../history.ts";
import { SQL_WRITES_TABLE } from "../workload/sql-operations.ts";
import { chunks, type WriteTarget } from "./write-targets.ts";

/** Each SQL write by its id, on the primary. */
export async function readBackSqlWrites(client: pg.Client, targets: WriteTarget[], via: string): Promise<FinalRead[]> {
  const found = new Set<string>();
  for (const part of chunks(targets, 1000)) {
    const { rows } = await client.query<{ id: string }>(`SELECT id::text AS id FROM ${SQL_WRITES_TABLE} WHERE id = ANY($1::bigint[])`, [part.map((t) => t.key)]);
    for (const row of rows) found.add(row.id);
  }
  return targets.map((t) => ({ opId: t.op.id, kind: t.op.kind, key: t.key, path: "database", via, status: found.has(t.key) ? "present" : "missing" }));
}

/**
 * Each partner by its unique name (which also finds indeterminate creates), and by id when
 * acknowledged with one. One create, one row: two rows with the name mean the create ran twice.
 */
export async function readBackPartners(client: pg.Client, targets: WriteTarget[], via: string): Promise<FinalRead[]> {
  const idsByName = new Map<string, number[]>();
  for (const part of chunks(targets, 1000)) {
    const { rows } = await client.query<{ id: number; name: string }>("SELECT id, name FROM res_partner WHERE name = ANY($1::text[]) ORDER BY id", [part.map((t) => t.key)]);
    for (const row of rows) idsByName.set(row.name, [...(idsByName.get(row.name) ?? []), row.id]);
  }
  return targets.map((t) => partnerRead(t, idsByName.get(t.key) ?? [], via));
}

export function partnerRead(t: WriteTarget, ids: number[], via: string): FinalRead {
  const base = { opId: t.op.id, kind: t.op.kind, key: t.key, path: "database" as const, via };
  const acknowledgedAs = t.recordId !== undefined ? `, acknowledged as ${t.recordId}` : "";
  if (ids.length === 0) return { ...base, status: "missing" };
  if (t.recordId !== undefined && !ids.includes(t.recordId)) return { ...base, status: "different", detail: `name found on partner ${ids.join(", ")}${acknowledgedAs}` };
  if (ids.length > 1) return { ...base, status: "duplicated", detail: `the create took effect ${ids.length} times: partners ${ids.join(", ")}${acknowledgedAs}` };
  return { ...base, status: "present" };
}

/** Each attachment's row by id, with the content hash the database holds for it (Odoo's `checksum` is the sha1). */
export async function readBackAttachmentRows(client: pg.Client, targets: WriteTarget[], via: string): Promise<FinalRead[]> {
  const acknowledged = targets.filter((t) => t.recordId !== undefined);
  const checksums = new Map<number, string | null>();
  for (const part of chunks(acknowledged, 1000)) {
    const { rows } = await client.query<{ id: number; checksum: string | null }>("SELECT id, checksum FROM ir_attachment WHERE id = ANY($1::int[])", [part.map((t) => t.recordId)]);
    for (const row of rows) checksums.set(row.id, row.checksum);
  }
  // An indeterminate upload has no id; its content hash finds it if it was stored.
  const indeterminate = targets.filter((t) => t.recordId === undefined);
  const storedHashes = new Set<string>();
  for (const part of chunks(indeterminate, 1000)) {
    const { rows } = await client.query<{ checksum: string }>("SELECT DISTINCT checksum FROM ir_attachment WHERE checksum = ANY($1::text[])", [part.map((t) => t.key)]);
    for (const row of rows) storedHashes.add(row.checksum);
  }
  return targets.map((t): FinalRead => {
    const base = { opId: t.op.id, kind: t.op.kind, key: t.key, path: "database" as const, via };
    if (t.recordId === undefined) return { ...base, status: storedHashes.has(t.key) ? "present" : "missing" };
    if (!checksums.has(t.recordId)) return { ...base, status: "missing" };
    const checksum = checksums.get(t.recordId);
    if (checksum && checksum !== t.key) return { ...base, status: "different", detail: `checksum ${checksum}` };
    return { ...base, status: "present" };
  });
}

/**
 * Every cron run marker since `since`, as epoch milliseconds (create_date is UTC without a zone, as
 * Odoo stores it), with the worker that ran it when the marker names it (see runMarkerCode).
 */
export async function readCronRuns(client: pg.Client, since: number): Promise<{ job: string; at: number; worker?: string }[]> {
  const { rows } = await client.query<{ name: string; at: string; message: string | null }>(
    "SELECT name, (extract(epoch FROM create_date) * 1000)::bigint::text AS at, message FROM ir_logging WHERE path = 'lab' AND create_date >= (to_timestamp($1::double precision / 1000) AT TIME ZONE 'UTC') ORDER BY create_date",
    [since],
  );
  return rows.map((row) => {
    const worker = markerWorker(row.message ?? "");
    return worker ? { job: row.name, at: Number(row.at), worker } : { job: row.name, at: Number(row.at) };
  });
}
