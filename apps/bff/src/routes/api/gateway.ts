import { refuseMalformedMessages } from "@berth/connect-guards";
import { Code, ConnectError, createContextValues, type Interceptor } from "@connectrpc/connect";
import { fastifyConnectPlugin } from "@connectrpc/connect-fastify";
import { compressionBrotli, compressionGzip } from "@connectrpc/connect-node";
import type { FastifyInstance } from "fastify";
import { registerDashboardService } from "../../gateway/dashboard-service.js";
import { registerForwarders } from "../../gateway/forward-methods.js";
import { type GatewayAuth, gatewayAuthKey, requestIdKey } from "../../gateway/gateway-context.js";

declare module "fastify" {
  interface FastifyRequest {
    gatewayAuth: GatewayAuth;
  }
}

/**
 * The browser's API at /api: every berth.v1 service over the Connect protocol, forwarded to the server
 * with the session's token, plus DashboardService answered here.
 */
export default async function gatewayRoutes(fastify: FastifyInstance) {
  const { guards, sessions, upstream, metrics, config } = fastify;
  fastify.decorateRequest("gatewayAuth", undefined);

  // Decided before Connect sees the request; handlers turn refusals into Connect errors (sessionOf).
  fastify.addHook("onRequest", async (request, reply) => {
    // Reads are declared NO_SIDE_EFFECTS in the .proto (so clients may retry them), which makes Connect serve
    // them over GET too. The dashboard only POSTs, and a GET would skip the Origin and CSRF checks: not offered.
    if (request.method === "GET" || request.method === "HEAD") {
      return reply
        .code(405)
        .header("allow", "POST")
        .send({ message: "the dashboard API takes POST requests" });
    }
    request.gatewayAuth = await guards.mutation(request);
    sessions.refreshCookie(request, reply);
  });

  // A token the server no longer accepts ends the session, so the SPA goes back to the login page.
  const forgetRevokedSessions: Interceptor = (next) => async (req) => {
    try {
      return await next(req);
    } catch (err) {
      const auth = req.contextValues.get(gatewayAuthKey);
      if (auth && "token" in auth && ConnectError.from(err).code === Code.Unauthenticated) {
        await sessions.forget(auth.id);
      }
      throw err;
    }
  };

  const messageChecks = {
    readMaxBytes: config.bodyLimit,
    acceptCompression: [compressionGzip, compressionBrotli],
  };
  await fastify.register(fastifyConnectPlugin, {
    grpc: false,
    grpcWeb: false,
    connect: true,
    ...messageChecks,
    // Strict JSON: an unknown field or enum name ({"role":"ROLE_GOD"}) is refused, not silently dropped.
    jsonOptions: { ignoreUnknownFields: false },
    interceptors: [forgetRevokedSessions],
    // On close, give unary calls a moment, then end long-lived streams so shutdown is prompt.
    shutdownTimeoutMs: 250,
    shutdownError: new ConnectError("the dashboard backend is restarting; retry", Code.Unavailable),
    contextValues: (request) =>
      createContextValues().set(gatewayAuthKey, request.gatewayAuth).set(requestIdKey, request.id),
    routes(router) {
      registerForwarders(router, { upstream, metrics });
      registerDashboardService(router, upstream, { cliServerUrl: fastify.config.cliServerUrl });
      // A request message that does not decode is InvalidArgument, not Internal, and is never quoted
      // back. connect-fastify serves router.handlers as they are once routes() returns, so each is
      // wrapped in place.
      const handlers = router.handlers.map((h) => refuseMalformedMessages(h, messageChecks));
      router.handlers.splice(0, handlers.length, ...handlers);
    },
  });
}
