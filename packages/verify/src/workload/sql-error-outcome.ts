import type { OperationResult } from "./open-loop-scheduler.ts";
import { SqlCallError } from "./sql-connection.ts";

/**
 * What a SQL error says about a statement's effect. Not connected → fail. A server error with a
 * SQLSTATE rolled the statement back → fail, except connection-level classes (08 connection
 * exception, 57 operator intervention such as a shutdown during the commit's wait for the standby,
 * XX internal): the commit may have happened → indeterminate. No answer at all → indeterminate.
 */
export function sqlErrorOutcome(error: unknown): OperationResult {
  if (!(error instanceof SqlCallError)) return { outcome: "indeterminate", error: (error as Error)?.message ?? String(error) };
  const { code, message } = error.cause;
  if (error.phase === "connect") return { outcome: "fail", error: `connect: ${code ? `${code} ` : ""}${message}` };
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    const unknownEffect = code.startsWith("08") || code.startsWith("57") || code.startsWith("XX");
    return { outcome: unknownEffect ? "indeterminate" : "fail", error: `${code}: ${message}` };
  }
  return { outcome: "indeterminate", error: code ? `${code}: ${message}` : message };
}
