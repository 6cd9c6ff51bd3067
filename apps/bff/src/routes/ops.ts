import type { FastifyInstance } from "fastify";

/** Operations endpoints: liveness with the server's reachability, and Prometheus metrics. */
export default async function opsRoutes(fastify: FastifyInstance) {
  const { upstream, metrics, config } = fastify;

  // 200 when the BFF can reach the server, 503 when it cannot (the BFF itself is up either way).
  fastify.get("/healthz", async (_request, reply) => {
    const server = await upstream.probe();
    const body = {
      status: server.reachable ? "ok" : "degraded",
      server: {
        url: config.serverUrl,
        reachable: server.reachable,
        latencyMs: Math.round(server.latencyMs),
        ...(server.error ? { error: server.error } : {}),
      },
    };
    return reply
      .code(server.reachable ? 200 : 503)
      .header("cache-control", "no-store")
      .send(body);
  });

  fastify.get("/metrics", async (_request, reply) => {
    metrics.sessions.set(await config.sessionStore.size());
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).header("cache-control", "no-store").send(text);
  });
}
