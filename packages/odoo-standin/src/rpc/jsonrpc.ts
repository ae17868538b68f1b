import { databaseErrorToOdoo, DatabaseUnavailable } from "../db/errors.ts";
import { fileSystemErrorToOdoo, isFileSystemError } from "../storage/os-errors.ts";
import { OdooError } from "./errors.ts";

/** The JSON-RPC 2.0 envelope as Odoo's `type='json'` routes read and write it. */

export interface JsonRpcRequest {
  id: unknown;
  params: Record<string, unknown>;
}

export interface JsonRpcErrorBody {
  code: number;
  message: string;
  data: { name: string; debug: string; message: string; arguments: unknown[]; context: Record<string, unknown> };
}

/** Returns undefined when the body is not a JSON-RPC call (Odoo answers 400 Bad Request then). */
export function parseJsonRpcRequest(body: unknown): JsonRpcRequest | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const params = record.params ?? {};
  if (typeof params !== "object" || params === null || Array.isArray(params)) return undefined;
  return { id: record.id ?? null, params: params as Record<string, unknown> };
}

export function jsonRpcResult(id: unknown, result: unknown): Record<string, unknown> {
  return { jsonrpc: "2.0", id, result };
}

export function jsonRpcError(id: unknown, error: OdooError, internal?: Error): Record<string, unknown> {
  const body: JsonRpcErrorBody = {
    code: error.code,
    message: error.code === 100 ? "Odoo Session Expired" : "Odoo Server Error",
    data: {
      name: error.pythonName,
      debug: pythonLikeTraceback(error, internal),
      message: error.message,
      arguments: [error.message],
      context: {},
    },
  };
  return { jsonrpc: "2.0", id, error: body };
}

/** Anything thrown while serving a call, as the OdooError a real Odoo would have raised. */
export function toOdooError(error: unknown): OdooError {
  if (error instanceof OdooError) return error;
  if (isFileSystemError(error)) return fileSystemErrorToOdoo(error);
  if (error instanceof DatabaseUnavailable) return databaseErrorToOdoo(error.reason, error.during);
  if (isPostgresError(error)) return databaseErrorToOdoo(error, "query");
  const message = error instanceof Error ? error.message : String(error);
  return new OdooError("builtins.RuntimeError", `stand-in internal error: ${message}`);
}

/** A PostgreSQL ErrorResponse carries a severity; client-side errors do not. */
function isPostgresError(error: unknown): boolean {
  return typeof error === "object" && error !== null && typeof (error as Record<string, unknown>).severity === "string";
}

function pythonLikeTraceback(error: OdooError, internal: Error | undefined): string {
  const lines = ["Traceback (most recent call last):", "  (odoo-ha-lab stand-in: no Python frames)"];
  if (internal?.stack && error.pythonName === "builtins.RuntimeError") lines.push(internal.stack);
  lines.push(`${error.pythonName}: ${error.message}`);
  return lines.join("\n") + "\n";
}
