import { safeNext } from "@berth/connect-guards/safe-next";
import { AuthService } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { decodeFlow, encodeFlow } from "../../oidc/flow-cookie.js";
import { ProviderUnavailableError, SignInRefusedError } from "../../oidc/oidc-client.js";
import { chooseRole, trustedClaims } from "../../oidc/role-rules.js";
import { isUnreachable } from "../../plugins/app/upstream.js";
import { expectedOrigins } from "../../security/origin-check.js";
import { identityFromTokenInfo, roleToProto } from "../../sessions/token-identity.js";
import { messagePage } from "./html-page.js";

/** How long a browser may take at the provider before the attempt is void. */
const flowTtlMs = 10 * 60 * 1000;
const upstreamTimeoutMs = 10_000;
/** The server's cap on a session token (CreateExternalSessionTokenRequest.ttl_seconds). */
const maxSessionTokenSeconds = 7 * 24 * 3600;
const idSchema = { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,62}$" } as const;

/**
 * Sign-in through OIDC providers (the BFF's file and the server's, read per request): GET
 * /auth/oidc/providers lists them for the login page;
 * /auth/oidc/<id>/start sends the browser to the provider (authorization code + PKCE, state and nonce
 * bound to a short-lived signed cookie); /auth/oidc/<id>/callback verifies the answer, applies the
 * provider's rules and starts a session whose server token the server mints for that person.
 */
export default async function oidcRoutes(fastify: FastifyInstance) {
  const { oidc, config, upstream, sessions, metrics } = fastify;
  const auth = upstream.client(AuthService);
  const rateLimit = { max: config.loginRateLimit.max, timeWindow: config.loginRateLimit.timeWindowMs };
  const cookieOptions = { path: "/", secure: config.secure, sameSite: "lax", httpOnly: true } as const;

  const page = (reply: FastifyReply, status: number, title: string, ...text: string[]) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .send(messagePage(title, ...text));
  /**
   * The callback URL registered with the provider: on the public URL, else on the listen address the
   * browser used (localhost or 127.0.0.1, so the flow cookie comes back). Never a Host header's choice.
   */
  const redirectUri = (request: FastifyRequest, id: string) => {
    const expected = expectedOrigins(config.publicUrl, fastify.server.address());
    const used = `${request.protocol}://${request.host}`.toLowerCase();
    const base = expected.find((origin) => origin.toLowerCase() === used) ?? expected[0] ?? used;
    return new URL(`/auth/oidc/${id}/callback`, base);
  };

  fastify.get("/oidc/providers", async () => ({
    providers: (await oidc.list()).map(({ provider, source }) => ({
      id: provider.id,
      displayName: provider.displayName,
      signInUrl: `/auth/oidc/${provider.id}/start`,
      source,
    })),
  }));

  fastify.get<{ Params: { id: string }; Querystring: { next?: string } }>(
    "/oidc/:id/start",
    {
      config: { rateLimit },
      schema: {
        params: { type: "object", properties: { id: idSchema } },
        querystring: { type: "object", properties: { next: { type: "string", maxLength: 2048 } } },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const client = request.validationError ? undefined : await oidc.get(request.params.id);
      if (!client) {
        return page(
          reply,
          404,
          "No such sign-in provider",
          "This Berth has no sign-in provider by that name.",
        );
      }
      const checks = client.newChecks();
      let target: URL;
      try {
        target = await client.authorizationUrl(redirectUri(request, client.provider.id).href, checks);
      } catch (err) {
        request.log.warn({ err, provider: client.provider.id }, "OIDC discovery failed");
        return page(
          reply,
          502,
          `${client.provider.displayName} is not reachable`,
          "Berth could not reach the sign-in provider. Try again in a moment, or sign in another way.",
        );
      }
      const flow = {
        ...checks,
        provider: client.provider.id,
        next: safeNext(request.query.next),
        expiresAt: Date.now() + flowTtlMs,
      };
      reply.setCookie(config.oidcFlowCookie, encodeFlow(flow), {
        ...cookieOptions,
        signed: true,
        maxAge: flowTtlMs / 1000,
      });
      return reply.redirect(target.href, 303);
    },
  );

  fastify.get<{ Params: { id: string } }>(
    "/oidc/:id/callback",
    {
      config: { rateLimit },
      schema: { params: { type: "object", properties: { id: idSchema } } },
      attachValidation: true,
    },
    async (request, reply) => {
      const refuse = (status: number, title: string, ...text: string[]) => {
        metrics.loginFailures.inc({ reason: "oidc" });
        return page(reply, status, title, ...text);
      };
      // Read fresh: a provider disabled or removed since the start is refused here.
      const client = request.validationError ? undefined : await oidc.get(request.params.id);
      if (!client)
        return refuse(404, "No such sign-in provider", "This Berth has no sign-in provider by that name.");
      const { provider } = client;

      // The attempt is bound to this browser: no valid flow cookie for this provider, no sign-in.
      const raw = request.cookies[config.oidcFlowCookie];
      const unsigned = raw ? request.unsignCookie(raw) : undefined;
      const flow = unsigned?.valid && unsigned.value ? decodeFlow(unsigned.value, Date.now()) : undefined;
      reply.clearCookie(config.oidcFlowCookie, cookieOptions);
      if (!flow || flow.provider !== provider.id) {
        return refuse(
          400,
          "This sign-in cannot be finished",
          "It was not started in this browser, or took longer than 10 minutes. Start again from the sign-in page.",
        );
      }

      const callbackUrl = new URL(request.url, redirectUri(request, provider.id));
      let verified: Awaited<ReturnType<typeof client.finish>>;
      try {
        verified = await client.finish(callbackUrl, flow);
      } catch (err) {
        if (err instanceof SignInRefusedError) {
          request.log.info({ err: { message: err.message }, provider: provider.id }, "OIDC sign-in refused");
          return refuse(
            401,
            `${provider.displayName} sign-in refused`,
            `Berth did not accept the answer: ${err.message}.`,
          );
        }
        request.log.warn({ err, provider: provider.id }, "OIDC sign-in could not be finished");
        return refuse(
          502,
          `${provider.displayName} is not reachable`,
          err instanceof ProviderUnavailableError
            ? err.message
            : "The sign-in could not be finished; try again.",
        );
      }

      const claims = trustedClaims(verified.claims);
      const email = typeof claims.email === "string" ? claims.email : "";
      const verdict = chooseRole(provider, claims);
      const who = email || `subject ${claims.sub}`;
      if (!verdict.role) {
        request.log.info(
          { provider: provider.id, sub: claims.sub, groups: verdict.groups },
          "OIDC sign-in: no rule matched",
        );
        return refuse(
          403,
          "No access to this Berth",
          `${provider.displayName} signed you in as ${who}, but none of its rules gives you a role here: no group mapped (your groups: ${verdict.groups.length ? verdict.groups.join(", ") : "none"}).`,
          "Ask an admin to add you to a group that has access, then sign in again.",
        );
      }

      const remainingSeconds = Math.floor((verified.expiresAt - Date.now()) / 1000);
      if (remainingSeconds <= 0)
        return refuse(401, `${provider.displayName} sign-in refused`, "The ID token has expired.");
      const external = {
        provider: provider.id,
        issuer: String(claims.iss),
        subject: String(claims.sub),
        email,
        // Within the server's limits (ExternalIdentity.groups).
        groups: verdict.groups.filter((g) => g.length <= 256).slice(0, 200),
      };
      let minted: Awaited<ReturnType<typeof auth.createExternalSessionToken>>;
      try {
        minted = await auth.createExternalSessionToken(
          {
            role: roleToProto(verdict.role),
            ttlSeconds: Math.min(
              remainingSeconds,
              maxSessionTokenSeconds,
              Math.floor(config.sessionMaxAgeMs / 1000),
            ),
            identity: external,
          },
          { ...upstream.callOptions(config.oidc.serviceToken), timeoutMs: upstreamTimeoutMs },
        );
      } catch (err) {
        const error = ConnectError.from(err);
        const refusedToken = error.code === Code.Unauthenticated || error.code === Code.PermissionDenied;
        request.log.error(
          { err: error },
          refusedToken ? "the BFF's service token was refused" : "minting an OIDC session token failed",
        );
        return page(
          reply,
          502,
          "Berth could not start your session",
          isUnreachable(error)
            ? "The Berth server is unreachable; try again in a moment."
            : "The Berth server refused to start it; an admin can find why in the dashboard backend's log.",
        );
      }
      const identity = { ...identityFromTokenInfo(minted.token), name: minted.token?.name || who, external };
      // A fresh session id on every sign-in (no session fixation); the old session's token is revoked.
      await sessions.destroy(request, reply);
      await sessions.create(reply, minted.secret, identity);
      request.log.info(
        { provider: provider.id, sub: external.subject, role: verdict.role, tokenId: identity.tokenId },
        "signed in through OIDC",
      );
      return reply.redirect(safeNext(flow.next), 303);
    },
  );
}
