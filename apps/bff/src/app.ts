import type { FastifyError, FastifyInstance } from "fastify";
import type { BffConfig } from "./bff-options.js";
import configPlugin from "./plugins/app/config.js";
import guardsPlugin from "./plugins/app/guards.js";
import metricsPlugin from "./plugins/app/metrics.js";
import oidcPlugin from "./plugins/app/oidc.js";
import sessionsPlugin from "./plugins/app/sessions.js";
import upstreamPlugin from "./plugins/app/upstream.js";
import cookiePlugin from "./plugins/external/cookie.js";
import helmetPlugin from "./plugins/external/helmet.js";
import rateLimitPlugin from "./plugins/external/rate-limit.js";
import websocketPlugin from "./plugins/external/websocket.js";
import execRoutes from "./routes/api/exec.js";
import gatewayRoutes from "./routes/api/gateway.js";
import authRoutes from "./routes/auth/index.js";
import opsRoutes from "./routes/ops.js";
import { replyError } from "./routes/reply-error.js";
import spaRoutes from "./routes/spa.js";

/** The BFF as a Fastify plugin: plugins first, then routes by folder. Knows nothing of listening. */
export default async function app(fastify: FastifyInstance, opts: { config: BffConfig }) {
  await fastify.register(configPlugin, { config: opts.config });
  await fastify.register(metricsPlugin);
  await fastify.register(cookiePlugin);
  await fastify.register(helmetPlugin);
  await fastify.register(rateLimitPlugin);
  await fastify.register(websocketPlugin);
  await fastify.register(upstreamPlugin);
  await fastify.register(sessionsPlugin);
  await fastify.register(guardsPlugin);
  await fastify.register(oidcPlugin);

  // Set early (not onSend): Connect and WebSocket replies bypass onSend but keep headers set here.
  fastify.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  // 4xx errors say what was wrong; 5xx stay generic for the client while the log keeps everything.
  fastify.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err }, "request failed");
      return replyError(reply, status, `internal error; the BFF log has the details (request ${request.id})`);
    }
    request.log.info({ err: { message: err.message, code: err.code } }, "request refused");
    return replyError(reply, status, err.message);
  });

  await fastify.register(authRoutes, { prefix: "/auth" });
  await fastify.register(gatewayRoutes, { prefix: "/api" });
  await fastify.register(execRoutes, { prefix: "/api" });
  await fastify.register(opsRoutes);
  await fastify.register(spaRoutes);
}
