import { envFor, type AppContext } from "../app-context.ts";
import type { Env } from "../models/env.ts";
import type { IrConfigParameter } from "../models/ir-config-parameter.ts";
import { ADMIN_USER_ID, SUPERUSER_ID } from "../models/res-users.ts";
import { emptySessionData, newSessionId, type Session } from "../storage/sessions.ts";
import { authenticate, computeSessionToken, userRowQuery } from "./auth.ts";
import { callKw } from "./call-kw.ts";
import { accessError, sessionExpired } from "./errors.ts";
import { SERVER_VERSION } from "./services.ts";

/**
 * The web client's session routes (/web/session/*, /web/dataset/call_kw): a `session_id` cookie
 * naming a session file in data_dir, as in Odoo 17. A session that cannot be read, does not
 * exist, belongs to another database or whose token no longer matches the user is "expired".
 */

export interface WebRequest {
  sessionId: string | undefined;
  /** scheme://host of the request, after proxy_mode: Odoo's url_root, used for web.base.url. */
  urlRoot: string;
  host: string;
  remoteAddress: string;
}

export interface WebResult {
  result: unknown;
  /** A new session id to send as the session_id cookie. */
  newSessionId?: string;
}

export async function webAuthenticate(app: AppContext, request: WebRequest, params: Record<string, unknown>): Promise<WebResult> {
  const { db, login, password } = params;
  if (!dbFilterAllows(app, db, request.host)) throw accessError("Database not found.");

  const { uid, info, token, sid } = await app.db.transaction(async (cr) => {
    const env = envFor(app, cr, SUPERUSER_ID);
    const uid = await authenticate(env, login, password, request.remoteAddress);
    if (uid === ADMIN_USER_ID || uid === SUPERUSER_ID) await updateWebBaseUrl(env, request.urlRoot);
    const sid = newSessionId();
    const token = await computeSessionToken(env, uid, sid);
    return { uid, sid, token, info: await sessionInfo(envFor(app, cr, uid)) };
  });

  // The session is rotated on login: a new id, the previous file removed.
  if (request.sessionId) await app.sessions.delete(request.sessionId);
  const session: Session = {
    sid,
    data: { ...emptySessionData(), db: app.dbname, uid, login: String(login), session_token: token ?? null, context: userContext(uid) },
  };
  await app.sessions.save(session);
  return { result: info, newSessionId: sid };
}

export async function webCallKw(app: AppContext, request: WebRequest, params: Record<string, unknown>): Promise<WebResult> {
  const session = await requireSession(app, request);
  return {
    result: await app.db.transaction(
      async (cr) => {
        const env = envFor(app, cr, session.data.uid!, { ...session.data.context });
        await checkSessionToken(env, session);
        return callKw(env, params.model, params.method, params.args ?? [], params.kwargs ?? {});
      },
      { prelude: userRowQuery(session.data.uid!) },
    ),
  };
}

export async function webSessionInfo(app: AppContext, request: WebRequest): Promise<WebResult> {
  const session = await requireSession(app, request);
  return {
    result: await app.db.transaction(async (cr) => {
      const env = envFor(app, cr, session.data.uid!);
      await checkSessionToken(env, session);
      return sessionInfo(env);
    }),
  };
}

export async function webDestroy(app: AppContext, request: WebRequest): Promise<WebResult> {
  const session = await requireSession(app, request);
  await app.sessions.delete(session.sid);
  return { result: null };
}

async function requireSession(app: AppContext, request: WebRequest): Promise<Session> {
  const session = request.sessionId ? await app.sessions.get(request.sessionId) : undefined;
  if (!session || !Number.isSafeInteger(session.data.uid) || session.data.db !== app.dbname) throw sessionExpired();
  return session;
}

async function checkSessionToken(env: Env, session: Session): Promise<void> {
  const expected = await computeSessionToken(env, session.data.uid!, session.sid);
  if (!expected || expected !== session.data.session_token) throw sessionExpired();
}

/** What /web/session/authenticate and get_session_info return (a subset of Odoo 17's session_info). */
async function sessionInfo(env: Env): Promise<Record<string, unknown>> {
  const rows = await env.cr.query<{ login: string; name: string | null; partner_id: number }>(
    `SELECT u.login, p.name, u.partner_id FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.id = $1`,
    [env.uid],
  );
  const user = rows[0];
  const parameters = env.services.models.get("ir.config_parameter") as IrConfigParameter;
  const isSystem = env.uid === ADMIN_USER_ID || env.uid === SUPERUSER_ID;
  return {
    uid: env.uid,
    is_system: isSystem,
    is_admin: isSystem,
    user_context: userContext(env.uid),
    db: env.cr.dbname,
    server_version: SERVER_VERSION.server_version,
    server_version_info: SERVER_VERSION.server_version_info,
    name: user?.name ?? false,
    username: user?.login ?? false,
    partner_display_name: user?.name ?? false,
    partner_id: user?.partner_id ?? false,
    "web.base.url": (await parameters.getParam(env, "web.base.url")) ?? false,
  };
}

function userContext(uid: number): Record<string, unknown> {
  return { lang: "en_US", tz: false, uid };
}

/** res.users.authenticate: a system user's login records the URL it came through, unless frozen. */
async function updateWebBaseUrl(env: Env, urlRoot: string): Promise<void> {
  const parameters = env.services.models.get("ir.config_parameter") as IrConfigParameter;
  if (await parameters.getParam(env, "web.base.url.freeze")) return;
  if ((await parameters.getParam(env, "web.base.url")) !== urlRoot) await parameters.setParam(env, "web.base.url", urlRoot);
}

/**
 * odoo.http.db_filter for the served database: dbfilter (with %h = host, %d = its first label)
 * must match the start of the name, as Python's re.match does; without dbfilter, db_name decides.
 */
export function dbFilterAllows(app: AppContext, db: unknown, host: string): boolean {
  if (typeof db !== "string" || db !== app.dbname) return false;
  const pattern = app.options.dbfilter;
  if (!pattern) return true;
  const hostname = host.replace(/:\d+$/, "");
  const labels = hostname.split(".");
  const domain = labels[0] === "www" && labels.length > 1 ? labels[1]! : labels[0]!;
  const expanded = pattern.replace(/%h/g, escapeRegExp(hostname)).replace(/%d/g, escapeRegExp(domain));
  return new RegExp(`^(?:${expanded})`).test(db);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
