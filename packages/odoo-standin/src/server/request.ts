import type { IncomingMessage, ServerResponse } from "node:http";

/** Small HTTP helpers: client view (with proxy_mode), cookies, bodies, responses. */

export interface ClientView {
  remoteAddress: string;
  host: string;
  scheme: string;
  urlRoot: string;
}

/**
 * What the request looks like from the client's side. As in Odoo 17, X-Forwarded-* are applied
 * only with proxy_mode AND an X-Forwarded-Host header (werkzeug's ProxyFix trusting one hop:
 * the last value of each header).
 */
export function clientView(request: IncomingMessage, proxyMode: boolean): ClientView {
  let remoteAddress = request.socket.remoteAddress ?? "?";
  let host = request.headers.host ?? "localhost";
  let scheme = "http";
  const forwardedHost = lastValue(request.headers["x-forwarded-host"]);
  if (proxyMode && forwardedHost) {
    host = forwardedHost;
    remoteAddress = lastValue(request.headers["x-forwarded-for"]) ?? remoteAddress;
    scheme = lastValue(request.headers["x-forwarded-proto"]) ?? scheme;
  }
  return { remoteAddress: remoteAddress.replace(/^::ffff:/, ""), host, scheme, urlRoot: `${scheme}://${host}` };
}

function lastValue(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(",") : header;
  if (!text) return undefined;
  const values = text.split(",").map((value) => value.trim()).filter((value) => value !== "");
  return values[values.length - 1];
}

export function cookie(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

/** Odoo's session cookie: 7 days, HttpOnly, path /. */
export function sessionCookie(sid: string): string {
  const maxAge = 7 * 24 * 3600;
  const expires = new Date(Date.now() + maxAge * 1000).toUTCString();
  return `session_id=${sid}; Expires=${expires}; Max-Age=${maxAge}; HttpOnly; Path=/; SameSite=Lax`;
}

export class BodyTooLarge extends Error {}

export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(`request body larger than ${limit} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload), ...headers });
  response.end(payload);
}

export function sendText(response: ServerResponse, status: number, text: string, contentType = "text/plain; charset=utf-8"): void {
  response.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}
