import { randomBytes } from "node:crypto";
import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { newCsrfToken } from "../../security/csrf-token.js";
import type { Session } from "../../sessions/session-store.js";
import type { TokenIdentity } from "../../sessions/token-identity.js";

/** Starting, finding and ending browser sessions. */
export interface Sessions {
  /** Stores a session for a verified login token and sets the session and CSRF cookies. */
  create(reply: FastifyReply, token: string, identity: TokenIdentity): Promise<Session>;
  /** The request's session, if its cookie is authentic and the session is live (memoised per request). */
  load(request: FastifyRequest): Promise<Session | undefined>;
  /** Ends the request's session (if any) and clears the cookies. */
  destroy(request: FastifyRequest, reply: FastifyReply): Promise<void>;
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
  }
}

/** Decorates `fastify.sessions`: the token stays in the store; the browser only holds a signed random id. */
export default fp(
  async (fastify: FastifyInstance) => {
    const { config } = fastify;
    const store = config.sessionStore;
    const base: CookieSerializeOptions = { path: "/", secure: config.secure, sameSite: "lax" };

    fastify.decorateRequest("berthSession", undefined);

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
        };
        await store.set(session);
        const maxAge = Math.max(1, Math.floor((session.absoluteExpiresAt - now) / 1000));
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
        }
        request.berthSession = session;
        return session;
      },

      async destroy(request, reply) {
        const session = await sessions.load(request);
        if (session) await store.delete(session.id);
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
  { name: "sessions", dependencies: ["config", "cookie"] },
);
