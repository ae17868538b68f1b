import { OdooClient, OdooRpcError, OdooTransportError, type OdooClientOptions, type OdooErrorData } from "@odoo-ha-lab/odoo-standin";

export interface TracedOdooClientOptions extends OdooClientOptions {
  /** Aborts the call in flight (the workload's client timeout). */
  signal?: AbortSignal;
}

/**
 * An OdooClient that also remembers which app node answered, from the `X-Lab-Backend` header the
 * lab's HAProxy adds (the server's name). The JSON-RPC exchange is the same as OdooClient's, byte
 * for byte: only the transport is re-done here, because OdooClient does not expose headers.
 */
export class TracedOdooClient extends OdooClient {
  /** The backend that served the last answer, when the load balancer said so. */
  lastBackend: string | undefined;
  private requestId = 1;

  constructor(private readonly traced: TracedOdooClientOptions) {
    super(traced);
  }

  override async jsonRpc(path: string, params: Record<string, unknown>): Promise<unknown> {
    const headers: Record<string, string> = { "Content-Type": "application/json", ...this.traced.headers };
    if (this.sessionId) headers.Cookie = `session_id=${this.sessionId}`;
    const deadline = AbortSignal.timeout(this.traced.timeoutMs ?? 30_000);
    const signal = this.traced.signal ? AbortSignal.any([deadline, this.traced.signal]) : deadline;
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify({ jsonrpc: "2.0", method: "call", params, id: this.requestId++ }),
        signal,
      });
    } catch (error) {
      throw new OdooTransportError(`POST ${this.url}${path} failed: ${(error as Error).message}`, undefined, { cause: error });
    }
    this.lastBackend = response.headers.get("x-lab-backend") ?? undefined;
    const cookie = /(?:^|[;,]\s*)session_id=([^;,\s]+)/.exec(response.headers.get("set-cookie") ?? "");
    if (cookie) this.sessionId = cookie[1];
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The connection died while the answer was on its way: the call may have been done.
      throw new OdooTransportError(`POST ${this.url}${path} lost its answer: ${(error as Error).message}`, undefined, { cause: error });
    }
    let body: { result?: unknown; error?: { code: number; message: string; data: OdooErrorData } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new OdooTransportError(`POST ${this.url}${path} answered HTTP ${response.status} without JSON: ${text.slice(0, 200)}`, response.status);
    }
    if (body.error) throw new OdooRpcError(body.error.code, body.error.message, body.error.data);
    if (!response.ok) throw new OdooTransportError(`POST ${this.url}${path} answered HTTP ${response.status}`, response.status);
    return body.result;
  }
}
