import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Logger } from "../log.ts";

/**
 * /websocket, Odoo 16+'s real-time channel. The real-time process (gevent port 8072) accepts the
 * upgrade and keeps the connection alive (ping/pong, `subscribe` accepted); an HTTP worker in
 * multi-process mode refuses it with a 500, as Odoo does when /websocket is not routed to 8072.
 */
export function attachWebsocket(server: Server, mode: "serve" | "refuse", logger: Logger): WebSocketServer | undefined {
  const sockets = mode === "serve" ? new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 }) : undefined;
  sockets?.on("connection", (socket) => keepAlive(socket));

  server.on("upgrade", (request: IncomingMessage, stream: Duplex, head: Buffer) => {
    const path = (request.url ?? "").split("?")[0];
    if (path !== "/websocket") return rejectUpgrade(stream, 404, "Not Found");
    if (!sockets) {
      logger.error("odoo.http", "Couldn't bind the websocket. Is the connection opened on the evented port (8072)?");
      return rejectUpgrade(stream, 500, "Couldn't bind the websocket. Is the connection opened on the evented port (8072)?");
    }
    sockets.handleUpgrade(request, stream, head, (socket) => sockets.emit("connection", socket, request));
  });
  return sockets;
}

function keepAlive(socket: WebSocket): void {
  let alive = true;
  socket.on("pong", () => (alive = true));
  socket.on("message", (data) => {
    // The client's {"event_name": "subscribe", "data": {...}} needs no answer until a notification exists.
    try {
      JSON.parse(data.toString());
    } catch {
      socket.close(1003, "Invalid JSON");
    }
  });
  const timer = setInterval(() => {
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
  }, 30_000);
  timer.unref();
  socket.on("close", () => clearInterval(timer));
}

function rejectUpgrade(stream: Duplex, status: number, message: string): void {
  const reason = status === 404 ? "Not Found" : "Internal Server Error";
  stream.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
}
