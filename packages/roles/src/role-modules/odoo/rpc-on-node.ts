import type { Host } from "@odoo-ha-lab/machine";

/** One answer of Odoo's JSON-RPC: its result, or why there is none. */
export type OdooRpcAnswer = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * Odoo's JSON-RPC (`POST <baseUrl>/jsonrpc`), sent from a lab node with curl: the lab's own checks
 * (the admin password after `-i base`, the VIP path at the end of `up` and in `lab status`) speak the
 * protocol a user's script does. The payload goes on stdin, so passwords stay out of process lists.
 */
export async function odooRpcOnNode(host: Host, baseUrl: string, service: string, method: string, args: unknown[], timeoutSeconds = 30): Promise<OdooRpcAnswer> {
  const payload = JSON.stringify({ jsonrpc: "2.0", method: "call", id: 1, params: { service, method, args } });
  const result = await host.exec(
    ["curl", "-s", "--max-time", String(timeoutSeconds), "-H", "Content-Type: application/json", "--data-binary", "@-", "-w", "\n%{http_code}", `${baseUrl}/jsonrpc`],
    { stdin: payload, timeoutMs: (timeoutSeconds + 5) * 1000 },
  );
  if (result.exitCode !== 0) return { ok: false, error: `curl exit ${result.exitCode} (${CURL_ERRORS[result.exitCode] ?? "see curl(1)"})` };
  const newline = result.stdout.lastIndexOf("\n");
  const [body, status] = [result.stdout.slice(0, newline), result.stdout.slice(newline + 1).trim()];
  try {
    const answer = JSON.parse(body) as { result?: unknown; error?: { data?: { message?: string }; message?: string } };
    if (answer.error) return { ok: false, error: answer.error.data?.message ?? answer.error.message ?? "error" };
    return { ok: true, result: answer.result };
  } catch {
    return { ok: false, error: `HTTP ${status}, not JSON: ${body.replace(/\s+/g, " ").slice(0, 160)}` };
  }
}

const CURL_ERRORS: Record<number, string> = { 7: "connection refused", 28: "timed out", 52: "empty reply", 56: "connection reset" };
