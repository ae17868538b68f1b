import { createHash, randomBytes } from "node:crypto";
import type { LabEndpoints } from "../lab-endpoints.ts";
import type { AcknowledgedWrites } from "./acknowledged-writes.ts";
import type { OperationContext, OperationResult } from "./open-loop-scheduler.ts";
import { odooErrorOutcome } from "./odoo-error-outcome.ts";
import { TracedOdooClient } from "./traced-odoo-client.ts";

export interface OdooOperationsOptions {
  endpoints: LabEndpoints;
  login: string;
  password: string;
  timeoutMs: number;
  acknowledged: AcknowledgedWrites;
  /** Prefix of every record name this run writes, so runs and leftovers can be told apart. */
  runTag: string;
  /** Sequential execute_kw calls before the load starts (enough to reach every server process twice). */
  warmUpCalls: number;
}

/** A short, stable name for a web session in the history, without writing the secret cookie itself. */
export function sessionFingerprint(sessionId: string): string {
  return createHash("sha1").update(sessionId).digest("hex").slice(0, 12);
}

/** The Odoo operations, each one JSON-RPC exchange through the load balancer as a user's client makes it. */
export class OdooOperations {
  private uid: number | undefined;
  private sessionId: string | undefined;

  constructor(private readonly options: OdooOperationsOptions) {}

  private client(signal?: AbortSignal, timeoutMs = this.options.timeoutMs): TracedOdooClient {
    const { endpoints } = this.options;
    const client = new TracedOdooClient({ url: endpoints.webUrl, db: endpoints.database, timeoutMs, ...(signal ? { signal } : {}) });
    if (this.uid !== undefined) client.useCredentials(this.uid, this.options.password);
    return client;
  }

  /** Logs in once for execute_kw, and opens the web session that odoo.session.call keeps using. */
  async prepare(openWebSession: boolean): Promise<void> {
    // Setup is not measured: a login hashes the password (600 000 PBKDF2 rounds in Odoo 17), which
    // takes seconds on a busy machine, so it gets a generous bound.
    const setupTimeoutMs = Math.max(15_000, this.options.timeoutMs * 5);
    const client = this.client(undefined, setupTimeoutMs);
    const uid = await client.login(this.options.login, this.options.password);
    if (uid === false) throw new Error(`Odoo refused the login of '${this.options.login}' at ${this.options.endpoints.webUrl}: check the lab's odooAdminPassword`);
    this.uid = uid;
    // Each server process checks an execute_kw password once (PBKDF2) and then caches it. Left to
    // the load, every process would hash concurrently for many requests at once and the steady
    // state would start as a stampede; a few sequential calls let every process cache it first.
    for (let call = 0; call < this.options.warmUpCalls; call++) {
      await this.client(undefined, setupTimeoutMs).executeKw("res.users", "search_count", [[]]);
    }
    if (openWebSession) {
      const web = this.client(undefined, setupTimeoutMs);
      await web.authenticate(this.options.login, this.options.password);
      if (!web.sessionId) throw new Error(`/web/session/authenticate at ${this.options.endpoints.webUrl} set no session_id cookie`);
      this.sessionId = web.sessionId;
    }
  }

  async login(context: OperationContext): Promise<OperationResult> {
    const client = this.client(context.signal);
    return this.attempt(client, async () => {
      const uid = await client.login(this.options.login, this.options.password);
      return uid === false ? { outcome: "fail", error: "login refused (uid false)" } : { outcome: "ok", value: String(uid) };
    });
  }

  async partnerWrite(context: OperationContext): Promise<OperationResult> {
    const client = this.client(context.signal);
    const key = `${this.options.runTag}-partner-${context.id}`;
    return this.attempt(client, async () => {
      const id = await client.executeKw<number>("res.partner", "create", [{ name: key }]);
      return { outcome: "ok", key, value: String(id) };
    }, key);
  }

  async partnerRead(context: OperationContext): Promise<OperationResult> {
    const client = this.client(context.signal);
    const target = this.options.acknowledged.pick("odoo.partner.write");
    if (!target?.recordId) {
      return this.attempt(client, async () => ({ outcome: "ok", value: `nothing acknowledged yet; ${await client.executeKw<number>("res.partner", "search_count", [[]])} partners` }));
    }
    return this.attempt(client, async () => {
      const rows = await client.executeKw<{ id: number; name: string }[]>("res.partner", "read", [[target.recordId]], { fields: ["name"] });
      if (rows.length === 0) return { outcome: "fail", key: target.key, error: `acknowledged partner ${target.recordId} not found` };
      if (rows[0]!.name !== target.key) return { outcome: "fail", key: target.key, error: `partner ${target.recordId} reads '${rows[0]!.name}'` };
      return { outcome: "ok", key: target.key, value: "match" };
    }, target.key);
  }

  async attachmentUpload(context: OperationContext): Promise<OperationResult> {
    const client = this.client(context.signal);
    const bytes = Buffer.concat([Buffer.from(`${this.options.runTag} attachment ${context.id}\n`), randomBytes(512)]);
    const key = createHash("sha1").update(bytes).digest("hex");
    return this.attempt(client, async () => {
      const id = await client.executeKw<number>("ir.attachment", "create", [{ name: `${this.options.runTag}-${context.id}.bin`, datas: bytes.toString("base64") }]);
      return { outcome: "ok", key, value: String(id) };
    }, key);
  }

  async attachmentDownload(context: OperationContext): Promise<OperationResult> {
    const client = this.client(context.signal);
    const target = this.options.acknowledged.pick("odoo.attachment.upload");
    if (!target?.recordId) {
      return this.attempt(client, async () => ({ outcome: "ok", value: `nothing acknowledged yet; ${await client.executeKw<number>("ir.attachment", "search_count", [[]])} attachments` }));
    }
    return this.attempt(client, async () => {
      const rows = await client.executeKw<{ datas: string | false }[]>("ir.attachment", "read", [[target.recordId]], { fields: ["datas"] });
      const datas = rows[0]?.datas;
      if (rows.length === 0) return { outcome: "fail", key: target.key, error: `acknowledged attachment ${target.recordId} not found` };
      if (!datas) return { outcome: "fail", key: target.key, error: `attachment ${target.recordId} has no content` };
      const hash = createHash("sha1").update(Buffer.from(datas, "base64")).digest("hex");
      return hash === target.key ? { outcome: "ok", key: target.key, value: "same bytes" } : { outcome: "fail", key: target.key, error: `attachment ${target.recordId} content differs (sha1 ${hash})` };
    }, target.key);
  }

  /** A web-client call with the session opened at the start: proves a logged-in user stays logged in. */
  async sessionCall(context: OperationContext): Promise<OperationResult> {
    if (!this.sessionId) return { outcome: "fail", error: "no web session was opened (prepare(true) not called)" };
    const client = this.client(context.signal);
    client.sessionId = this.sessionId;
    const key = sessionFingerprint(this.sessionId);
    return this.attempt(client, async () => {
      const count = await client.callKw<number>("res.partner", "search_count", [[]]);
      // A server may rotate the cookie on a successful call; a browser adopts it, and so do we. The
      // next operation's key then shows the new session, which the session checker counts.
      if (client.sessionId && client.sessionId !== this.sessionId) {
        this.sessionId = client.sessionId;
        return { outcome: "ok", key, value: `${count}; session rotated to ${sessionFingerprint(client.sessionId)}` };
      }
      return { outcome: "ok", key, value: String(count) };
    }, key);
  }

  private async attempt(client: TracedOdooClient, call: () => Promise<OperationResult>, key?: string): Promise<OperationResult> {
    try {
      const result = await call();
      return client.lastBackend ? { ...result, servedBy: client.lastBackend } : result;
    } catch (error) {
      const result = { ...odooErrorOutcome(error), ...(key === undefined ? {} : { key }) };
      return client.lastBackend ? { ...result, servedBy: client.lastBackend } : result;
    }
  }
}
