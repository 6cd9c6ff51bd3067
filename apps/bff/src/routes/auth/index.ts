import { AuthService } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyInstance, FastifyReply } from "fastify";
import { isRefusal } from "../../plugins/app/guards.js";
import { isUnreachable } from "../../plugins/app/upstream.js";
import type { Session } from "../../sessions/session-store.js";
import {
  identityFromTokenInfo,
  NotALoginTokenError,
  type TokenIdentity,
} from "../../sessions/token-identity.js";
import { replyError } from "../reply-error.js";
import cliLoginRoutes from "./cli-login.js";
import magicLinkRoutes from "./magic-link.js";
import oidcRoutes from "./oidc.js";

/** What the SPA learns about its session: never the token. */
function viewerBody(session: Session) {
  return {
    name: session.name,
    role: session.role,
    csrfToken: session.csrfToken,
    // How the person signed in, when through an OIDC provider (the dashboard shows it).
    ...(session.external
      ? {
          provider: session.external.provider,
          email: session.external.email,
          groups: session.external.groups,
        }
      : {}),
    expiresAt: new Date(Math.min(session.expiresAt, session.absoluteExpiresAt)).toISOString(),
  };
}

const upstreamTimeoutMs = 10_000;

/** The longest session token the server derives (CreateSessionTokenRequest.ttl_seconds). */
const maxSessionTokenSeconds = 7 * 24 * 3600;

/** Session endpoints under /auth: login, logout, me and the one-time login link. */
export default async function authRoutes(fastify: FastifyInstance) {
  const { upstream, sessions, config, guards, metrics } = fastify;
  const auth = upstream.client(AuthService);
  const rateLimit = { max: config.loginRateLimit.max, timeWindow: config.loginRateLimit.timeWindowMs };

  // A bodiless JSON POST (logout from fetch with a JSON content-type) is fine here; Fastify would 400 it.
  const parseJson = fastify.getDefaultJsonParser("error", "error");
  fastify.removeContentTypeParser("application/json");
  fastify.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (body === "") return done(null, undefined);
    parseJson(request, body.toString(), done);
  });

  fastify.addHook("onSend", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });

  const refuseServerError = (reply: FastifyReply, err: ConnectError) => {
    if (isUnreachable(err)) {
      fastify.log.warn({ err }, "Berth server unreachable during sign-in");
      return replyError(reply, 502, "the Berth server is unreachable; try again in a moment");
    }
    fastify.log.error({ err }, "unexpected answer from the Berth server during sign-in");
    return replyError(reply, 502, "the Berth server could not check this token; see the BFF log");
  };

  fastify.post<{ Body: { token: string } }>(
    "/login",
    {
      onRequest: guards.rejectCrossOrigin,
      config: { rateLimit },
      bodyLimit: 4096,
      schema: {
        body: {
          type: "object",
          required: ["token"],
          additionalProperties: false,
          properties: { token: { type: "string", minLength: 1, maxLength: 512 } },
        },
      },
    },
    async (request, reply) => {
      const token = request.body.token.trim();
      let info: Awaited<ReturnType<typeof auth.whoAmI>>["token"];
      try {
        info = (await auth.whoAmI({}, { ...upstream.callOptions(token), timeoutMs: upstreamTimeoutMs }))
          .token;
      } catch (err) {
        const error = ConnectError.from(err);
        if (error.code === Code.Unauthenticated || error.code === Code.PermissionDenied) {
          metrics.loginFailures.inc({ reason: "invalid" });
          return replyError(reply, 401, "that token is not valid (unknown, revoked or expired)");
        }
        return refuseServerError(reply, error);
      }
      let identity: TokenIdentity;
      try {
        identity = identityFromTokenInfo(info);
      } catch (err) {
        if (!(err instanceof NotALoginTokenError)) throw err;
        metrics.loginFailures.inc({ reason: "kind" });
        return replyError(reply, 403, err.message);
      }
      // The session never holds the pasted token: it gets its own, derived from it, that expires with
      // the session, ends if the pasted one is revoked, and is revoked on sign-out.
      let derived: Awaited<ReturnType<typeof auth.createSessionToken>>;
      try {
        derived = await auth.createSessionToken(
          {
            ttlSeconds: Math.min(maxSessionTokenSeconds, Math.floor(config.sessionMaxAgeMs / 1000)),
            name: `dashboard session of ${identity.name}`.slice(0, 100),
          },
          { ...upstream.callOptions(token), timeoutMs: upstreamTimeoutMs },
        );
      } catch (err) {
        return refuseServerError(reply, ConnectError.from(err));
      }
      const sessionIdentity = { ...identityFromTokenInfo(derived.token), name: identity.name };
      // A fresh session id on every login (no session fixation).
      await sessions.destroy(request, reply);
      const session = await sessions.create(reply, derived.secret, sessionIdentity);
      request.log.info(
        { tokenId: identity.tokenId, sessionTokenId: sessionIdentity.tokenId, role: identity.role },
        "signed in",
      );
      return viewerBody(session);
    },
  );

  fastify.post("/logout", { bodyLimit: 4096 }, async (request, reply) => {
    const verdict = await guards.mutation(request);
    // No session is fine (logging out twice); a cross-site or token-less request is not.
    if (isRefusal(verdict) && verdict.status === 403) return replyError(reply, 403, verdict.message);
    await sessions.destroy(request, reply);
    return reply.code(204).send();
  });

  fastify.get("/me", async (request, reply) => {
    const session = await sessions.load(request);
    if (!session) return replyError(reply, 401, "not signed in");
    try {
      // Re-checked on every page load, so a revoked token ends the session at once.
      await auth.whoAmI({}, { ...upstream.callOptions(session.token), timeoutMs: upstreamTimeoutMs });
    } catch (err) {
      const error = ConnectError.from(err);
      if (error.code === Code.Unauthenticated) {
        await sessions.destroy(request, reply);
        return replyError(reply, 401, "your sign-in token was revoked or has expired; sign in again");
      }
      // The server being down is not the session's fault: keep it, but say so rather than pretend.
      request.log.warn({ err: error }, "could not re-check the session's token");
      reply.header("retry-after", "5");
      return replyError(
        reply,
        503,
        isUnreachable(error)
          ? "the Berth server is unreachable; retrying"
          : "the Berth server could not check this session; retrying",
      );
    }
    sessions.refreshCookie(request, reply);
    return viewerBody(session);
  });

  await fastify.register(magicLinkRoutes);
  await fastify.register(oidcRoutes);
  await fastify.register(cliLoginRoutes);
}
