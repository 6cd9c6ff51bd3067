import { randomBytes } from "node:crypto";
import { AuthService } from "@berth/proto";
import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { newCsrfToken } from "../../security/csrf-token.js";
import type { ExternalIdentity, Session } from "../../sessions/session-store.js";
import type { TokenIdentity } from "../../sessions/token-identity.js";

/** Starting, finding and ending browser sessions. */
export interface Sessions {
  /** Stores a session for a verified login token and sets the session and CSRF cookies. */
  create(
    reply: FastifyReply,
    token: string,
    identity: TokenIdentity & { external?: ExternalIdentity },
  ): Promise<Session>;
  /** The request's session, if its cookie is authentic and the session is live (memoised per request). */
  load(request: FastifyRequest): Promise<Session | undefined>;
  /**
   * Ends the request's session (if any), revokes its server token and clears the cookies. The token
   * outlives nothing: sign-out, a new sign-in over an old session and idle expiry all revoke it.
   */
  destroy(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /**
   * Re-sends the session cookie when {@link Sessions.load} slid the session's idle expiry, so the
   * cookie's Max-Age keeps matching the session's real end.
   */
  refreshCookie(request: FastifyRequest, reply: FastifyReply): void;
  /** Ends a session by id, e.g. when the server says its token was revoked. */
  forget(id: string): Promise<void>;
}

declare module "fastify" {
  interface FastifyInstance {
    sessions: Sessions;
  }
  interface FastifyRequest {
    /** Memo of {@link Sessions.load}: undefined = not looked up yet, null = no session. */
    berthSession: Session | null | undefined;
    /** Whether loading the session slid its idle expiry (its cookie needs re-sending). */
    berthSessionSlid: boolean;
  }
}

/** Decorates `fastify.sessions`: the token stays in the store; the browser only holds a signed random id. */
export default fp(
  async (fastify: FastifyInstance) => {
    const { config } = fastify;
    const store = config.sessionStore;
    const base = { path: "/", secure: config.secure, sameSite: "lax" } satisfies CookieSerializeOptions;
    const auth = fastify.upstream.client(AuthService);

    fastify.decorateRequest("berthSession", undefined);
    fastify.decorateRequest("berthSessionSlid", false);

    /** Revokes a session's server token; a server that cannot be reached leaves it to expire on its own. */
    const revoke = async (session: Session, why: string) => {
      try {
        await auth.revokeOwnToken({}, { ...fastify.upstream.callOptions(session.token), timeoutMs: 5_000 });
      } catch (err) {
        fastify.log.warn({ err, tokenId: session.tokenId, why }, "could not revoke a session's server token");
      }
    };
    store.onExpired((session) => {
      void revoke(session, "idle expiry");
    });

    /** Seconds until the session ends if not used again: the cookie lives exactly as long. */
    const cookieMaxAge = (session: Session, now: number) =>
      Math.max(1, Math.floor((Math.min(session.expiresAt, session.absoluteExpiresAt) - now) / 1000));

    const sessions: Sessions = {
      async create(reply, token, identity) {
        const now = Date.now();
        const session: Session = {
          id: randomBytes(32).toString("base64url"),
          token,
          tokenId: identity.tokenId,
          name: identity.name,
          role: identity.role,
          csrfToken: newCsrfToken(),
          createdAt: now,
          expiresAt: now + config.sessionIdleMs,
          absoluteExpiresAt: Math.min(now + config.sessionMaxAgeMs, identity.expiresAt ?? Infinity),
          ...(identity.external ? { external: identity.external } : {}),
        };
        await store.set(session);
        const maxAge = cookieMaxAge(session, now);
        reply.setCookie(config.sessionCookie, session.id, { ...base, httpOnly: true, signed: true, maxAge });
        // Readable by the SPA on purpose: it echoes the value in X-CSRF-Token (double submit). The
        // value is also bound to the session server-side, so a planted cookie is worthless.
        reply.setCookie(config.csrfCookie, session.csrfToken, {
          ...base,
          httpOnly: false,
          sameSite: "strict",
          maxAge,
        });
        return session;
      },

      async load(request) {
        if (request.berthSession !== undefined) return request.berthSession ?? undefined;
        request.berthSession = null;
        const raw = request.cookies[config.sessionCookie];
        if (!raw) return undefined;
        const unsigned = request.unsignCookie(raw);
        if (!unsigned.valid || !unsigned.value) return undefined;
        const session = await store.get(unsigned.value);
        if (!session) return undefined;
        const now = Date.now();
        // Slide the idle expiry, writing at most once per tenth of the idle window.
        if (session.expiresAt - now < config.sessionIdleMs * 0.9) {
          session.expiresAt = now + config.sessionIdleMs;
          await store.set(session);
          request.berthSessionSlid = true;
        }
        request.berthSession = session;
        return session;
      },

      refreshCookie(request, reply) {
        const session = request.berthSession;
        if (!session || !request.berthSessionSlid) return;
        const maxAge = cookieMaxAge(session, Date.now());
        // Serialised by hand: Connect replies skip the onSend hook that writes reply.setCookie().
        reply.header("set-cookie", [
          fastify.serializeCookie(config.sessionCookie, fastify.signCookie(session.id), {
            ...base,
            httpOnly: true,
            maxAge,
          }),
          fastify.serializeCookie(config.csrfCookie, session.csrfToken, {
            ...base,
            httpOnly: false,
            sameSite: "strict",
            maxAge,
          }),
        ]);
      },

      async destroy(request, reply) {
        const session = await sessions.load(request);
        if (session) {
          await store.delete(session.id);
          await revoke(session, "signed out");
        }
        request.berthSession = null;
        reply.clearCookie(config.sessionCookie, { ...base, httpOnly: true });
        reply.clearCookie(config.csrfCookie, { ...base, sameSite: "strict" });
      },

      async forget(id) {
        await store.delete(id);
      },
    };
    fastify.decorate("sessions", sessions);
  },
  { name: "sessions", dependencies: ["config", "cookie", "upstream"] },
);
