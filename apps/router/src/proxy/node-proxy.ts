import {
  Agent,
  type ClientRequest,
  createServer,
  type IncomingMessage,
  request,
  type Server,
} from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { RouteEndpoint } from "@berth/proto";
import type { Resolution } from "../routing/route-index.js";
import { stickyCookie, stickyDeployment } from "../routing/sticky-cookie.js";
import { sendErrorPage } from "./error-page.js";
import { forwardHeaders, responseHeaders } from "./forward-headers.js";

export interface NodeProxyOptions {
  host: string;
  port: number;
  /** Where a request goes: its candidates in order, or the page to answer with. */
  resolve(req: IncomingMessage): Resolution;
  /** A candidate refused the connection (the router moves it to the back of the line for a while). */
  onRefused(endpoint: RouteEndpoint): void;
  /** A request to a deployment finished (or was cut): its status and duration, for traffic metrics. */
  onFinished?(deploymentId: string, status: number, ms: number): void;
}

export interface NodeProxy {
  server: Server;
  port: number;
  /** Stops accepting; requests in flight get `graceMs` to finish (default 0: cut at once). */
  close(graceMs?: number): Promise<void>;
}

/** Methods a client may repeat without changing anything (RFC 9110 §9.2.2), for those sent without a body. */
const idempotent = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** The app's response headers, plus the sticky version cookie when the client should keep this deployment. */
function headersFor(up: IncomingMessage, req: IncomingMessage, route: Resolution & { ok: true }) {
  const headers = responseHeaders(up.headers);
  if (route.sticky && stickyDeployment(req.headers.cookie) !== route.deploymentId) {
    const app = headers["set-cookie"] ?? [];
    headers["set-cookie"] = [...app, stickyCookie(route.deploymentId)];
  }
  return headers;
}

/** Whether this failure of an attempt can be tried again elsewhere: nothing of the request reached an app. */
function retryable(err: NodeJS.ErrnoException, upstream: ClientRequest, req: IncomingMessage): boolean {
  if (hasBody(req)) return false;
  if (err.code === "ECONNREFUSED") return true;
  // A pooled keep-alive connection the app closed as we reused it (a stopped old process): the request
  // may have been sent, so only a method safe to repeat goes again.
  return upstream.reusedSocket && err.code === "ECONNRESET" && idempotent.has(req.method ?? "");
}

/**
 * The Node data plane: a host-based reverse proxy (HTTP and WebSocket upgrades) in front of app instances.
 * A request that could not reach its first candidate (refused, or a stale pooled connection) is tried once
 * more on the next one, so an instance that just stopped costs no failed request.
 */
export async function startNodeProxy(options: NodeProxyOptions): Promise<NodeProxy> {
  // Keep-alive upstream connections: without them a Node proxy spends its time in TCP setup. lifo: the most
  // recently used socket is the one least likely to have been closed by the app.
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 256,
    maxFreeSockets: 64,
    timeout: 60_000,
    scheduling: "lifo",
  });
  const server = createServer((req, res) => {
    const html = (req.headers.accept ?? "").includes("text/html");
    const route = options.resolve(req);
    if (!route.ok) return sendErrorPage(res, route.status, route.message, html);
    const finished = options.onFinished;
    if (finished) {
      const started = performance.now();
      // "close" also fires for a client that went away mid-response: it counts, with the status it was given.
      res.once("close", () => finished(route.deploymentId, res.statusCode, performance.now() - started));
    }
    const attempt = (n: number, endpoint: RouteEndpoint) => {
      const upstream = request(
        {
          host: endpoint.host,
          port: endpoint.port,
          method: req.method,
          path: req.url,
          headers: forwardHeaders(req, false),
          agent,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.statusMessage, headersFor(up, req, route));
          up.pipe(res);
          up.on("error", () => res.destroy());
        },
      );
      upstream.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "ECONNREFUSED") options.onRefused(endpoint);
        const next = route.candidates[n + 1] ?? (err.code === "ECONNREFUSED" ? undefined : endpoint);
        if (n === 0 && next && !res.headersSent && retryable(err, upstream, req)) return attempt(n + 1, next);
        // Names the app, never the port or the errno: those are the platform's business, not the visitor's.
        sendErrorPage(res, 502, `${route.label} did not answer; try again in a moment`, html);
      });
      res.on("close", () => {
        if (!res.writableFinished) upstream.destroy();
      });
      // A request without a body (most GETs) ends at once instead of going through a stream pipe.
      if (hasBody(req)) req.pipe(upstream);
      else upstream.end();
    };
    attempt(0, route.candidates[0] as RouteEndpoint);
  });

  // Upgraded sockets leave the HTTP server's bookkeeping: close() must end them itself.
  const tunnels = new Set<Duplex>();
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    tunnels.add(socket);
    socket.on("close", () => tunnels.delete(socket));
    socket.on("error", () => socket.destroy());
    const route = options.resolve(req);
    if (!route.ok) {
      const reason = route.status === 404 ? "Not Found" : "Service Unavailable";
      socket.end(
        `HTTP/1.1 ${route.status} ${reason}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${route.message}\n`,
      );
      return;
    }
    const attempt = (n: number, endpoint: RouteEndpoint) => {
      const up: Socket = connect(endpoint.port, endpoint.host, () => {
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (const [k, v] of Object.entries(forwardHeaders(req, true)))
          for (const value of Array.isArray(v) ? v : [v])
            if (value !== undefined) lines.push(`${k}: ${value}`);
        up.write(`${lines.join("\r\n")}\r\n\r\n`);
        if (head.length > 0) up.write(head);
        up.pipe(socket);
        socket.pipe(up);
        socket.on("close", () => up.destroy());
        up.on("close", () => socket.destroy());
      });
      up.on("error", (err: NodeJS.ErrnoException) => {
        if (up.connecting || err.code === "ECONNREFUSED") {
          options.onRefused(endpoint);
          const next = route.candidates[n + 1];
          if (n === 0 && next && !socket.destroyed) return attempt(n + 1, next);
          socket.end(
            `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${route.label} did not answer; try again in a moment\n`,
          );
          return;
        }
        socket.destroy();
      });
    };
    attempt(0, route.candidates[0] as RouteEndpoint);
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
    close: (graceMs = 0) =>
      new Promise<void>((ok) => {
        const cut = () => {
          server.closeAllConnections();
          for (const t of tunnels) t.destroy();
          agent.destroy();
        };
        const timer = setTimeout(cut, graceMs);
        server.close(() => {
          clearTimeout(timer);
          cut();
          ok();
        });
        // Idle keep-alive connections would hold close() open until the grace ends.
        server.closeIdleConnections();
      }),
  };
}
