import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import app from "./app.js";
import { type BffOptions, resolveBffConfig } from "./bff-options.js";

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** Masks the secrets that travel in URLs: a login link's code, an OIDC provider's code and state. */
export function redactUrl(url: string): string {
  return url
    .replace(/^\/auth\/magic\/[^/?#]+/, "/auth/magic/[redacted]")
    .replace(/^(\/auth\/oidc\/[^/?#]+\/callback)\?.*/, "$1?[redacted]");
}

/** What a request log line shows: never cookies, tokens or login-link codes. */
const logOptions = {
  redact: ["req.headers.cookie", "req.headers.authorization", 'req.headers["x-csrf-token"]'],
  serializers: {
    req(req: FastifyRequest) {
      return {
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
      };
    },
  },
};

/** Default logger: pino JSON on stdout at LOG_LEVEL (info). */
export const defaultLogger = { level: process.env.LOG_LEVEL ?? "info", ...logOptions };

/** Our redaction on top of logger options a caller passes (a level, a file); `false` stays off. */
function loggerOption(given: BffOptions["logger"]): BffOptions["logger"] {
  if (given === undefined) return defaultLogger;
  if (typeof given === "object" && given !== null) return { ...logOptions, ...given };
  return given;
}

/**
 * Builds a BFF without listening (tests `inject()` into it; startBff listens). Close it with
 * `close()`: sessions, the upstream HTTP/2 session and open sockets go with it.
 */
export async function buildBff(options: BffOptions): Promise<FastifyInstance> {
  const config = resolveBffConfig(options);
  const fastify = Fastify({
    logger: loggerOption(options.logger),
    bodyLimit: config.bodyLimit,
    // Keep a proxy's request id (x-request-id) when it looks sane, so logs join up across hops.
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers["x-request-id"];
      return typeof incoming === "string" && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
    return503OnClosing: true,
    trustProxy: config.trustProxy,
    // A token of 42 is a mistake to report, not a string to make up.
    ajv: { customOptions: { coerceTypes: false } },
  });
  await fastify.register(fp(app), { config });
  return fastify;
}
