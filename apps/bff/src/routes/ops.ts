import type { FastifyInstance, FastifyRequest } from "fastify";
import { secretMatches } from "../security/secret-matches.js";
import { replyError } from "./reply-error.js";

/**
 * Operations endpoints: liveness, and for the operator (Bearer BERTH_BFF_METRICS_TOKEN) Prometheus
 * metrics and the server's reachability in detail. The port faces browsers, so anonymous callers learn
 * only "ok" or "degraded": no upstream address, latency or error text.
 */
export default async function opsRoutes(fastify: FastifyInstance) {
  const { upstream, metrics, config } = fastify;
  const operator = (request: FastifyRequest) => {
    const [scheme, token] = (request.headers.authorization ?? "").split(" ");
    return (
      config.metricsToken !== undefined && scheme === "Bearer" && secretMatches(token, config.metricsToken)
    );
  };

  // 200 when the BFF can reach the server, 503 when it cannot (the BFF itself is up either way).
  fastify.get("/healthz", async (request, reply) => {
    const server = await upstream.probe();
    const status = server.reachable ? "ok" : "degraded";
    const body = operator(request)
      ? {
          status,
          server: {
            url: upstream.address,
            reachable: server.reachable,
            latencyMs: Math.round(server.latencyMs),
            ...(server.error ? { error: server.error } : {}),
          },
        }
      : { status };
    return reply
      .code(server.reachable ? 200 : 503)
      .header("cache-control", "no-store")
      .send(body);
  });

  fastify.get("/metrics", async (request, reply) => {
    if (config.metricsToken === undefined) {
      return replyError(reply, 404, "metrics are off; set BERTH_BFF_METRICS_TOKEN to turn them on");
    }
    if (!operator(request)) {
      reply.header("www-authenticate", 'Bearer realm="berth-bff-metrics"');
      return replyError(reply, 401, "metrics need Authorization: Bearer <BERTH_BFF_METRICS_TOKEN>");
    }
    metrics.sessions.set(await config.sessionStore.size());
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).header("cache-control", "no-store").send(text);
  });
}
