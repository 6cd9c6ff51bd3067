import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The BFF's Prometheus metrics; one registry per instance (no global registry). */
export interface BffMetrics {
  registry: Registry;
  /** Server-streaming and exec calls the BFF holds open to the server right now. */
  upstreamStreams: Gauge<"method">;
  execSessions: Gauge;
  /** Live browser sessions (refreshed when /metrics is scraped). */
  sessions: Gauge;
  loginFailures: Counter<"reason">;
  httpDuration: Histogram<"method" | "route" | "status">;
}

declare module "fastify" {
  interface FastifyInstance {
    metrics: BffMetrics;
  }
}

/** Creates the metric set; exported for code that needs metrics without Fastify. */
export function createBffMetrics(): BffMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "berth_bff_" });
  return {
    registry,
    upstreamStreams: new Gauge({
      name: "berth_bff_upstream_streams_open",
      help: "Streaming calls (logs, events, job output, exec) open from the BFF to the server",
      labelNames: ["method"],
      registers: [registry],
    }),
    execSessions: new Gauge({
      name: "berth_bff_exec_sessions_open",
      help: "Terminal WebSockets currently bridged to an exec stream",
      registers: [registry],
    }),
    sessions: new Gauge({
      name: "berth_bff_sessions",
      help: "Live browser sessions",
      registers: [registry],
    }),
    loginFailures: new Counter({
      name: "berth_bff_login_failures_total",
      help: "Refused logins by reason",
      labelNames: ["reason"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "berth_bff_http_request_duration_seconds",
      help: "HTTP request duration by route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

/** Decorates `fastify.metrics` and times every request by its route pattern (never the raw URL). */
export default fp(
  async (fastify: FastifyInstance) => {
    const metrics = createBffMetrics();
    fastify.decorate("metrics", metrics);
    fastify.addHook("onResponse", async (request, reply) => {
      metrics.httpDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? "unmatched", status: reply.statusCode },
        reply.elapsedTime / 1000,
      );
    });
  },
  { name: "metrics" },
);
