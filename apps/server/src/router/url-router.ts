import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
} from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { sendErrorPage } from "./error-page.js";
import { type HostTarget, parseHost } from "./parse-host.js";
import type { Route } from "./route-table.js";

export interface UrlRouterOptions {
  host: string;
  port: number;
  baseDomain: string;
  route: (target: HostTarget) => Route;
}

export interface UrlRouter {
  server: Server;
  port: number;
  close(): Promise<void>;
}

const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function forwardHeaders(req: IncomingMessage, keepUpgrade: boolean): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers))
    if (!hopByHop.has(k) || (keepUpgrade && (k === "upgrade" || k === "connection"))) out[k] = v;
  const remote = req.socket.remoteAddress ?? "";
  out["x-forwarded-for"] = req.headers["x-forwarded-for"]
    ? `${req.headers["x-forwarded-for"]}, ${remote}`
    : remote;
  out["x-forwarded-host"] = req.headers.host ?? "";
  out["x-forwarded-proto"] = "http";
  return out;
}

function resolve(req: IncomingMessage, options: UrlRouterOptions): Route {
  const target = parseHost(req.headers.host, options.baseDomain);
  if (!target)
    return {
      ok: false,
      status: 404,
      message: `"${req.headers.host ?? ""}" is not an app host; use <app>.<project>.${options.baseDomain} or <app>--v<N>.<project>.${options.baseDomain}`,
    };
  return options.route(target);
}

/**
 * The URL router: a host-based reverse proxy (HTTP and WebSocket upgrades) in front of app instances.
 * Upstream connections are pooled with keep-alive; without it a Node proxy spends its time in TCP setup.
 */
export async function startUrlRouter(options: UrlRouterOptions): Promise<UrlRouter> {
  // lifo: the most recently used upstream socket is the one least likely to have been closed by the app.
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 256,
    maxFreeSockets: 64,
    timeout: 60_000,
    scheduling: "lifo",
  });
  const server = createServer((req, res) => {
    const html = (req.headers.accept ?? "").includes("text/html");
    const route = resolve(req, options);
    if (!route.ok) return sendErrorPage(res, route.status, route.message, html);
    const upstream = request(
      {
        host: "127.0.0.1",
        port: route.port,
        method: req.method,
        path: req.url,
        headers: forwardHeaders(req, false),
        agent,
      },
      (up) => {
        const headers: IncomingHttpHeaders = {};
        for (const [k, v] of Object.entries(up.headers)) if (!hopByHop.has(k)) headers[k] = v;
        res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
        up.pipe(res);
        up.on("error", () => res.destroy());
      },
    );
    upstream.on("error", (err) =>
      sendErrorPage(res, 502, `the instance on port ${route.port} did not answer: ${err.message}`, html),
    );
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    // A request without a body (most GETs) ends at once instead of going through a stream pipe.
    if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined)
      upstream.end();
    else req.pipe(upstream);
  });
  // Upgraded sockets leave the HTTP server's bookkeeping: close() must end them itself.
  const tunnels = new Set<Duplex>();
  server.on("upgrade", (req, socket: Duplex, head: Buffer) => {
    tunnels.add(socket);
    socket.on("close", () => tunnels.delete(socket));
    const route = resolve(req, options);
    if (!route.ok) {
      socket.end(
        `HTTP/1.1 ${route.status} ${route.status === 404 ? "Not Found" : "Service Unavailable"}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${route.message}\n`,
      );
      return;
    }
    const up: Socket = connect(route.port, "127.0.0.1", () => {
      const headers = forwardHeaders(req, true);
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (const [k, v] of Object.entries(headers))
        for (const value of Array.isArray(v) ? v : [v]) if (value !== undefined) lines.push(`${k}: ${value}`);
      up.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length > 0) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on("error", () => socket.destroy());
    socket.on("error", () => up.destroy());
    socket.on("close", () => up.destroy());
    up.on("close", () => socket.destroy());
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port, options.host, () => ok());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
        for (const t of tunnels) t.destroy();
        agent.destroy();
      }),
  };
}
