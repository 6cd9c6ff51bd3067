import { AuthService } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyInstance, FastifyReply } from "fastify";
import { isUnreachable } from "../../plugins/app/upstream.js";
import { identityFromTokenInfo, NotALoginTokenError } from "../../sessions/token-identity.js";
import { magicLinkPage, magicLinkSignInPage } from "./magic-link-page.js";

const codeSchema = { type: "string", minLength: 16, maxLength: 128, pattern: "^[A-Za-z0-9_-]+$" } as const;
const upstreamTimeoutMs = 10_000;

/**
 * One-time login links: GET /auth/magic/<code> shows a page with a "Sign in" button; only its
 * same-origin POST /auth/magic redeems the code. A GET never signs anyone in, so link scanners cannot
 * burn a link and a cross-site page cannot sign a victim in to the attacker's account (login CSRF).
 */
export default async function magicLinkRoutes(fastify: FastifyInstance) {
  const { upstream, sessions, config, guards, metrics } = fastify;
  const auth = upstream.client(AuthService);
  const rateLimit = { max: config.loginRateLimit.max, timeWindow: config.loginRateLimit.timeWindowMs };
  const page = (reply: FastifyReply, status: number, title: string, text: string) =>
    reply.code(status).type("text/html; charset=utf-8").send(magicLinkPage(title, text));

  // Only the form's encoding, and only in this plugin: /auth/login stays JSON-only.
  fastify.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body.toString()))),
  );

  fastify.get<{ Params: { code: string } }>(
    "/magic/:code",
    {
      config: { rateLimit },
      schema: { params: { type: "object", properties: { code: codeSchema } } },
      // A malformed link gets a page, not a JSON error.
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError) {
        return page(reply, 400, "This login link is not valid", "Check that you copied the whole link.");
      }
      return reply.type("text/html; charset=utf-8").send(magicLinkSignInPage(request.params.code));
    },
  );

  fastify.post<{ Body: { code: string } }>(
    "/magic",
    {
      config: { rateLimit },
      schema: {
        body: { type: "object", required: ["code"], properties: { code: codeSchema } },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      // A browser's form POST always carries Origin; anything else is not our page.
      if (guards.origin(request) !== "same") {
        return page(
          reply,
          403,
          "This sign-in did not come from this site",
          "Open the login link in your browser and press Sign in there.",
        );
      }
      if (request.validationError) {
        return page(reply, 400, "This login link is not valid", "Check that you copied the whole link.");
      }
      try {
        const redeemed = await auth.redeemLoginCode(
          // The token lives exactly as long as the session can.
          { code: request.body.code, ttlSeconds: Math.floor(config.sessionMaxAgeMs / 1000) },
          { ...upstream.callOptions(undefined), timeoutMs: upstreamTimeoutMs },
        );
        const identity = identityFromTokenInfo(redeemed.token);
        await sessions.destroy(request, reply);
        await sessions.create(reply, redeemed.secret, identity);
        request.log.info({ tokenId: identity.tokenId }, "signed in with a login link");
        return reply.redirect("/", 303);
      } catch (err) {
        if (err instanceof NotALoginTokenError) {
          return page(reply, 403, "This link cannot sign you in", err.message);
        }
        const error = ConnectError.from(err);
        if (isUnreachable(error)) {
          return page(
            reply,
            502,
            "Berth is not reachable",
            "The Berth server did not answer. Try the link again shortly.",
          );
        }
        if (
          error.code !== Code.NotFound &&
          error.code !== Code.InvalidArgument &&
          error.code !== Code.Unauthenticated
        ) {
          request.log.error({ err: error }, "redeeming a login link failed");
        }
        metrics.loginFailures.inc({ reason: "link" });
        return page(
          reply,
          410,
          "This login link has expired or was already used",
          "Login links work once and for a few minutes. Ask an admin to run berth login-link for a new one, or sign in with a token.",
        );
      }
    },
  );
}
