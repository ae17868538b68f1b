import { createServer, type Server } from "node:http";
import type { AppContext } from "../app-context.ts";
import { createRequestHandler } from "./http-app.ts";
import { attachWebsocket } from "./websocket.ts";

/** Odoo's http_interface '' means every IPv4 interface. */
export function listenAddress(httpInterface: string): string {
  return httpInterface === "" ? "0.0.0.0" : httpInterface;
}

/** An HTTP server with the Odoo routes; `websocket` says whether /websocket upgrades are served here. */
export function startHttpServer(app: AppContext, port: number, websocket: "serve" | "refuse"): Promise<Server> {
  const server = createServer(createRequestHandler(app));
  server.keepAliveTimeout = 5_000;
  attachWebsocket(server, websocket, app.logger);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, listenAddress(app.options.http_interface), () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** Stops accepting, lets requests in flight finish (up to `graceMs`), then cuts what is left. */
export async function closeHttpServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
