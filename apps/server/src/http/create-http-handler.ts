import type http from "node:http";
import type http2 from "node:http2";
import type { Registry } from "prom-client";
import type { RequestHandler } from "./listen-api.js";

export interface HttpHandlerOptions {
  /** The Connect/gRPC/gRPC-Web handler (connectNodeAdapter). */
  rpc: RequestHandler;
  metrics: Registry;
  /** Aborted at shutdown: /healthz then answers 503 so load balancers drain us. */
  shutdownSignal: AbortSignal;
  /** `/webhooks/<project>`: forges' push deliveries (plain HTTP POST, verified by signature). */
  webhooks?: RequestHandler;
}

type Response = http.ServerResponse | http2.Http2ServerResponse;

/** Routes `/metrics`, `/healthz` and `/webhooks/*` to plain HTTP handlers and everything else to the RPC handler. */
export function createHttpHandler(options: HttpHandlerOptions): RequestHandler {
  return (req, res) => {
    const path = req.url?.split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      const ok = !options.shutdownSignal.aborted;
      return reply(res, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "shutting down\n");
    }
    if (req.method === "GET" && path === "/metrics") {
      options.metrics.metrics().then(
        (text) => reply(res, 200, options.metrics.contentType, text),
        () => reply(res, 500, "text/plain; charset=utf-8", "metrics unavailable\n"),
      );
      return;
    }
    if (options.webhooks && path?.startsWith("/webhooks/")) return options.webhooks(req, res);
    options.rpc(req, res);
  };
}

function reply(res: Response, status: number, contentType: string, body: string): void {
  // http and http2 responses share these calls but not a type Node declares.
  const r = res as http.ServerResponse;
  r.writeHead(status, { "content-type": contentType });
  r.end(body);
}
