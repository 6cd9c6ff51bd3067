import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { csrfHeaderName, csrfTokenMatches } from "../../security/csrf-token.js";
import { checkOrigin, expectedOrigins, type OriginVerdict } from "../../security/origin-check.js";
import type { Session } from "../../sessions/session-store.js";

/** The reason a guard refused a request: an HTTP status and words for a person. */
export interface GuardRefusal {
  status: 401 | 403;
  message: string;
}

/** Checks shared by the auth routes, the Connect gateway and the terminal upgrade. */
export interface Guards {
  /** Where the request says it comes from, compared with this BFF's origin. */
  origin(request: FastifyRequest): OriginVerdict;
  /**
   * The checks a state-changing request must pass: not cross-origin, a live session, and the
   * session's CSRF token in X-CSRF-Token. Returns the session, or why the request is refused.
   */
  mutation(request: FastifyRequest): Promise<Session | GuardRefusal>;
  /** Route hook: refuses cross-origin requests with 403 (absent Origin is allowed: not a browser page). */
  rejectCrossOrigin(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

declare module "fastify" {
  interface FastifyInstance {
    guards: Guards;
  }
}

/** True when a guard refused the request rather than returning its session. */
export function isRefusal(value: Session | GuardRefusal): value is GuardRefusal {
  return "status" in value && "message" in value && !("token" in value);
}

/** Decorates `fastify.guards`. */
export default fp(
  async (fastify: FastifyInstance) => {
    const { publicUrl } = fastify.config;
    const guards: Guards = {
      origin(request) {
        const expected = expectedOrigins(publicUrl, fastify.server.address());
        return checkOrigin({ origin: request.headers.origin, referer: request.headers.referer }, expected);
      },
      async mutation(request) {
        if (guards.origin(request) === "cross") {
          return { status: 403, message: "cross-origin request refused (Origin does not match this site)" };
        }
        const session = await fastify.sessions.load(request);
        if (!session) return { status: 401, message: "not signed in (no session, or it has expired)" };
        if (!csrfTokenMatches(request.headers[csrfHeaderName], session.csrfToken)) {
          return {
            status: 403,
            message: "missing or wrong X-CSRF-Token header (send the csrfToken from GET /auth/me)",
          };
        }
        return session;
      },
      async rejectCrossOrigin(request, reply) {
        if (guards.origin(request) === "cross") {
          await reply
            .code(403)
            .send({ message: "cross-origin request refused (Origin does not match this site)" });
        }
      },
    };
    fastify.decorate("guards", guards);
  },
  { name: "guards", dependencies: ["config", "sessions"] },
);
