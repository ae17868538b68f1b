import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppContext } from "../app-context.ts";
import type { LogLevel } from "../log.ts";
import { OdooError, accessDenied } from "../rpc/errors.ts";
import { jsonRpcError, jsonRpcResult, parseJsonRpcRequest, toOdooError } from "../rpc/jsonrpc.ts";
import { dispatchRpc } from "../rpc/services.ts";
import { webAuthenticate, webCallKw, webDestroy, webSessionInfo, type WebRequest, type WebResult } from "../rpc/web-session.ts";
import { BodyTooLarge, clientView, cookie, readBody, sendJson, sendText, sessionCookie, type ClientView } from "./request.ts";

const BODY_LIMIT = 128 * 1024 * 1024;
const JSON_TYPES = new Set(["application/json", "application/json-rpc"]);

type JsonHandler = (params: Record<string, unknown>, web: WebRequest) => Promise<WebResult>;

/**
 * The routes of Odoo 17 that the lab uses, with Odoo's answers: /web/health, /jsonrpc, the web
 * session routes, and /web/database/* (closed when list_db is False).
 */
export function createRequestHandler(app: AppContext): (request: IncomingMessage, response: ServerResponse) => void {
  const json = (handler: JsonHandler) => (request: IncomingMessage, response: ServerResponse, view: ClientView) => serveJson(app, request, response, view, handler);
  const routes: [RegExp, (request: IncomingMessage, response: ServerResponse, view: ClientView) => void | Promise<void>][] = [
    [/^\/web\/health$/, (request, response) => sendHealth(app, request, response)],
    [/^\/jsonrpc$/, json(async (params, web) => ({ result: await dispatchRpc(app, params.service, params.method, params.args, web) }))],
    [/^\/web\/session\/authenticate$/, json((params, web) => webAuthenticate(app, web, params))],
    [/^\/web\/session\/get_session_info$/, json((_params, web) => webSessionInfo(app, web))],
    [/^\/web\/session\/destroy$/, json((_params, web) => webDestroy(app, web))],
    [/^\/web\/dataset\/call_kw(\/.*)?$/, json((params, web) => webCallKw(app, web, params))],
    [/^\/web\/database\/list$/, json(async () => {
      if (!app.options.list_db) throw accessDenied();
      return { result: [app.dbname] };
    })],
    [/^\/web\/database\//, (_request, response) => databaseManager(app, response)],
    [/^\/websocket$/, (_request, response) => sendText(response, 400, "Bad Request: /websocket expects a WebSocket upgrade")],
    [/^\/$/, (_request, response) => redirect(response, "/web")],
    [/^\/web$/, (_request, response) => redirect(response, "/web/login")],
    [/^\/web\/login$/, (_request, response) => sendText(response, 200, loginPage(app), "text/html; charset=utf-8")],
  ];

  return (request, response) => {
    const started = performance.now();
    const view = clientView(request, app.options.proxy_mode);
    response.on("finish", () => logRequest(app, request, response, view, started));
    const path = (request.url ?? "/").split("?")[0]!;
    const route = routes.find(([pattern]) => pattern.test(path));
    if (!route) return sendText(response, 404, "Not Found");
    Promise.resolve(route[1](request, response, view)).catch((error: unknown) => {
      app.logger.error("odoo.http", `Exception during request handling: ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) sendText(response, 500, "Internal Server Error");
      else response.destroy();
    });
  };
}

async function serveJson(app: AppContext, request: IncomingMessage, response: ServerResponse, view: ClientView, handler: JsonHandler): Promise<void> {
  const mimetype = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (!JSON_TYPES.has(mimetype)) {
    return sendText(response, 400, `Bad Request: Request inferred type is compatible with ['http'] but ${request.url} is type='json'. Send Content-Type: application/json.`);
  }
  let body: unknown;
  try {
    body = JSON.parse((await readBody(request, BODY_LIMIT)).toString("utf8"));
  } catch (error) {
    if (error instanceof BodyTooLarge) return sendText(response, 413, "Request Entity Too Large");
    return sendText(response, 400, "Bad Request: Invalid JSON data");
  }
  const call = parseJsonRpcRequest(body);
  if (!call) return sendText(response, 400, "Bad Request: Invalid JSON-RPC data");

  const web: WebRequest = { sessionId: cookie(request, "session_id"), urlRoot: view.urlRoot, host: view.host, remoteAddress: view.remoteAddress };
  try {
    const outcome = await handler(call.params, web);
    const headers: Record<string, string> = outcome.newSessionId ? { "Set-Cookie": sessionCookie(outcome.newSessionId) } : {};
    sendJson(response, 200, jsonRpcResult(call.id, outcome.result), headers);
  } catch (error) {
    const odooError = toOdooError(error);
    logRpcError(app, odooError, error);
    // Odoo 17 answers JSON-RPC errors with HTTP 200 and the error in the body.
    sendJson(response, 200, jsonRpcError(call.id, odooError, error instanceof Error ? error : undefined));
  }
}

/** Odoo's levels: expected user-facing errors are warnings, an expired session is info, the rest errors. */
function logRpcError(app: AppContext, error: OdooError, original: unknown): void {
  const name = error.pythonName;
  let level: LogLevel = "ERROR";
  if (name === "odoo.http.SessionExpiredException") level = "INFO";
  else if (name.startsWith("odoo.exceptions.")) level = "WARNING";
  const detail = name === "builtins.RuntimeError" && original instanceof Error ? `\n${original.stack}` : "";
  app.logger.log(level, "odoo.http", `${name}: ${error.message}${detail}`);
}

/** /web/database/*: closed (404) with list_db = False; the stand-in has no manager pages otherwise. */
function databaseManager(app: AppContext, response: ServerResponse): void {
  if (!app.options.list_db) return sendText(response, 404, "Not Found: the database manager has been disabled by the administrator (list_db = False)");
  sendText(
    response,
    200,
    `<!DOCTYPE html><html><head><title>Odoo</title></head><body><h1>Databases</h1><ul><li>${app.dbname}</li></ul>` +
      "<p>odoo-ha-lab stand-in: databases are created with <code>odoo -d &lt;db&gt; -i base</code>.</p></body></html>",
    "text/html; charset=utf-8",
  );
}

/** Byte for byte what Odoo 17 answers (Python's json.dumps puts a space after the colon). */
/**
 * Odoo 17's health route. With `?db_server_status=1` it also opens a cursor on the 'postgres'
 * database and answers 500 {"status": "fail", "db_server_status": false} when that fails, so a load
 * balancer can tell a node that cannot reach its database (and the check warms a pooled connection).
 */
async function sendHealth(app: AppContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const query = new URL(request.url ?? "/", "http://odoo").searchParams.get("db_server_status");
  let status = 200;
  let body = '{"status": "pass"}';
  if (query && query !== "0" && query.toLowerCase() !== "false") {
    const reachable = await app.checkDatabaseServer();
    status = reachable ? 200 : 500;
    body = reachable ? '{"status": "pass", "db_server_status": true}' : '{"status": "fail", "db_server_status": false}';
  }
  response.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", "Content-Length": Buffer.byteLength(body) });
  response.end(body);
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { Location: location, "Content-Length": 0 });
  response.end();
}

function loginPage(app: AppContext): string {
  return `<!DOCTYPE html><html><head><title>Login | Odoo</title></head><body><form method="post" action="/web/login"><p>Database: ${app.dbname}</p></form></body></html>`;
}

/** werkzeug's access line: `127.0.0.1 - - [21/Nov/2026 10:00:00] "POST /jsonrpc HTTP/1.1" 200 - 0.004` */
function logRequest(app: AppContext, request: IncomingMessage, response: ServerResponse, view: ClientView, started: number): void {
  const now = new Date();
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (value: number) => String(value).padStart(2, "0");
  const stamp = `${pad(now.getUTCDate())}/${months[now.getUTCMonth()]}/${now.getUTCFullYear()} ${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}`;
  const seconds = ((performance.now() - started) / 1000).toFixed(3);
  app.logger.info("werkzeug", `${view.remoteAddress} - - [${stamp}] "${request.method} ${request.url} HTTP/${request.httpVersion}" ${response.statusCode} - ${seconds}`);
}
