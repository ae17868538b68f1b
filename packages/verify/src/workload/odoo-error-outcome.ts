import { OdooRpcError, OdooTransportError } from "../odoo/odoo-client.ts";
import type { OperationResult } from "./open-loop-scheduler.ts";

/** Errors that mean the request never reached a server: nothing can have happened. */
const NEVER_CONNECTED = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * What an Odoo call's error says about its effect:
 * - Odoo answered with an error: its transaction rolled back → fail; but if the error is the
 *   database connection breaking (psycopg2 OperationalError/InterfaceError), the commit itself may
 *   have been under way → indeterminate.
 * - HAProxy answered 503 (no server up) or any 4xx: nothing was forwarded or done → fail.
 * - A timeout, a reset mid-call, a 502 (the server died while answering), a 500 without JSON:
 *   the server may have committed → indeterminate.
 */
export function odooErrorOutcome(error: unknown): OperationResult {
  if (error instanceof OdooRpcError) {
    // A database connection that broke inside the request may have broken during its COMMIT.
    const connectionLost = /OperationalError|InterfaceError/.test(error.pythonName);
    return { outcome: connectionLost ? "indeterminate" : "fail", error: `${error.pythonName}: ${error.data.message.split("\n")[0]}` };
  }
  if (error instanceof OdooTransportError) {
    const message = error.message.replace(/^POST \S+ /, "");
    if (error.status !== undefined) {
      const definite = error.status === 503 || (error.status >= 400 && error.status < 500);
      return { outcome: definite ? "fail" : "indeterminate", error: `HTTP ${error.status}: ${message}` };
    }
    const code = causeCode(error);
    if (code && NEVER_CONNECTED.has(code)) return { outcome: "fail", error: `${code}: ${message}` };
    if (isTimeout(error)) return { outcome: "indeterminate", error: `client timeout: ${message}` };
    return { outcome: "indeterminate", error: code ? `${code}: ${message}` : message };
  }
  return { outcome: "indeterminate", error: (error as Error)?.message ?? String(error) };
}

function causeCode(error: unknown): string | undefined {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === "string") return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  for (let current = error as { name?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 5; depth++) {
    if (current.name === "TimeoutError" || current.name === "AbortError") return true;
    current = current.cause as typeof current;
  }
  return false;
}
