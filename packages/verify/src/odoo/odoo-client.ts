/**
 * A small typed JSON-RPC client for the real Odoo 17 protocol (/jsonrpc,
 * /web/session/authenticate, /web/dataset/call_kw, /web/health): what the verifier drives users
 * and the lab itself talk to Odoo through the VIP with.
 */

export interface OdooClientOptions {
  /** Base URL, e.g. http://127.0.0.1:8069 or the load balancer's address. */
  url: string;
  db: string;
  /** Per-request deadline (default 30 s): a hung server fails the call instead of blocking. */
  timeoutMs?: number;
  /** Extra headers on every request (e.g. Host or X-Forwarded-* when testing a proxy setup). */
  headers?: Record<string, string>;
  /** Aborts calls in flight (e.g. a caller's own timeout), besides the per-request deadline. */
  signal?: AbortSignal;
  /** Sees every HTTP answer before it is parsed (e.g. to read a load balancer's headers). */
  onResponse?: (response: Response) => void;
}

export interface OdooVersion {
  server_version: string;
  server_version_info: (string | number)[];
  server_serie: string;
  protocol_version: number;
}

export interface OdooSessionInfo {
  uid: number;
  db: string;
  username: string;
  user_context: Record<string, unknown>;
  [key: string]: unknown;
}

export interface OdooErrorData {
  name: string;
  message: string;
  debug?: string;
  arguments?: unknown[];
  context?: Record<string, unknown>;
}

/** An error Odoo answered in JSON-RPC form; `pythonName` is `error.data.name`. */
export class OdooRpcError extends Error {
  readonly pythonName: string;

  constructor(
    readonly code: number,
    readonly rpcMessage: string,
    readonly data: OdooErrorData,
  ) {
    super(`${data.name}: ${data.message}`);
    this.name = "OdooRpcError";
    this.pythonName = data.name;
  }

  get isSessionExpired(): boolean {
    return this.code === 100 || this.pythonName === "odoo.http.SessionExpiredException";
  }

  get isAccessDenied(): boolean {
    return this.pythonName === "odoo.exceptions.AccessDenied";
  }
}

/** No JSON-RPC answer at all: connection refused, timeout, HTTP error status, non-JSON body. */
export class OdooTransportError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "OdooTransportError";
  }
}

export class OdooClient {
  /** The web session (`session_id` cookie) opened by authenticate(); may be set to reuse one. */
  sessionId: string | undefined;
  private credentials: { uid: number; password: string } | undefined;
  private nextId = 1;

  constructor(private readonly options: OdooClientOptions) {}

  get url(): string {
    return this.options.url.replace(/\/+$/, "");
  }

  get uid(): number | undefined {
    return this.credentials?.uid;
  }

  /** GET /web/health: true on 200 {"status": "pass"}. */
  async health(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/web/health`, { headers: this.options.headers, signal: AbortSignal.timeout(this.timeoutMs) });
      const body = (await response.json().catch(() => undefined)) as { status?: string } | undefined;
      return response.status === 200 && body?.status === "pass";
    } catch {
      return false;
    }
  }

  version(): Promise<OdooVersion> {
    return this.jsonRpc("/jsonrpc", { service: "common", method: "version", args: [] }) as Promise<OdooVersion>;
  }

  /** common.login: the uid, or false for bad credentials (Odoo does not raise here). Remembers them for executeKw. */
  async login(login: string, password: string): Promise<number | false> {
    const uid = (await this.jsonRpc("/jsonrpc", { service: "common", method: "login", args: [this.options.db, login, password] })) as number | false;
    if (uid !== false) this.credentials = { uid, password };
    return uid;
  }

  /** Use known credentials for executeKw without calling login. */
  useCredentials(uid: number, password: string): void {
    this.credentials = { uid, password };
  }

  /** object.execute_kw(db, uid, password, model, method, args, kwargs) with the login's credentials. */
  executeKw<T = unknown>(model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<T> {
    if (!this.credentials) throw new Error("executeKw needs credentials: call login() (or useCredentials()) first.");
    const { uid, password } = this.credentials;
    return this.jsonRpc("/jsonrpc", { service: "object", method: "execute_kw", args: [this.options.db, uid, password, model, method, args, kwargs] }) as Promise<T>;
  }

  /** POST /web/session/authenticate: opens a web session and keeps its cookie. */
  async authenticate(login: string, password: string): Promise<OdooSessionInfo> {
    return (await this.jsonRpc("/web/session/authenticate", { db: this.options.db, login, password })) as OdooSessionInfo;
  }

  /** POST /web/dataset/call_kw/<model>/<method> with the session cookie. */
  callKw<T = unknown>(model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<T> {
    return this.jsonRpc(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs }) as Promise<T>;
  }

  /** One JSON-RPC call to any Odoo json route; throws OdooRpcError or OdooTransportError. */
  async jsonRpc(path: string, params: Record<string, unknown>): Promise<unknown> {
    const headers: Record<string, string> = { "Content-Type": "application/json", ...this.options.headers };
    if (this.sessionId) headers.Cookie = `session_id=${this.sessionId}`;
    const id = this.nextId++;
    const deadline = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify({ jsonrpc: "2.0", method: "call", params, id }),
        signal: this.options.signal ? AbortSignal.any([deadline, this.options.signal]) : deadline,
      });
    } catch (error) {
      throw new OdooTransportError(`POST ${this.url}${path} failed: ${(error as Error).message}`, undefined, { cause: error });
    }
    this.options.onResponse?.(response);
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

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 30_000;
  }
}
