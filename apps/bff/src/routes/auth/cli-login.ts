import { AuthService } from "@berth/proto";
import { ConnectError } from "@connectrpc/connect";
import type { FastifyInstance, FastifyReply } from "fastify";
import { createCliGrants } from "../../cli-login/cli-grants.js";
import { isUnreachable } from "../../plugins/app/upstream.js";
import { cspDirectives } from "../../plugins/external/helmet.js";
import { csrfTokenMatches } from "../../security/csrf-token.js";
import type { Session } from "../../sessions/session-store.js";
import { roleToProto } from "../../sessions/token-identity.js";
import { replyError } from "../reply-error.js";
import { type CliLoginRequest, cliLoginConfirmPage } from "./cli-login-page.js";
import { messagePage } from "./html-page.js";

const upstreamTimeoutMs = 10_000;
const maxTokenSeconds = 7 * 24 * 3600;
const requestSchema = {
  type: "object",
  required: ["port", "state", "challenge"],
  properties: {
    port: { type: "string", pattern: "^[1-9][0-9]{2,4}$" },
    state: { type: "string", pattern: "^[A-Za-z0-9_-]{16,128}$" },
    challenge: { type: "string", pattern: "^[A-Za-z0-9_-]{43}$" },
    csrf: { type: "string", maxLength: 128 },
  },
} as const;

/**
 * `berth login --web`: the CLI listens on 127.0.0.1 and opens GET /auth/cli?port&state&challenge. A
 * signed-in person confirms (a same-origin POST); the BFF mints a token for them and sends the browser
 * to the CLI's listener with a one-time code, which only the CLI (holding the challenge's verifier) can
 * exchange at POST /auth/cli/token. Without a session the browser signs in first and comes back here.
 */
export default async function cliLoginRoutes(fastify: FastifyInstance) {
  const { config, sessions, guards, upstream } = fastify;
  const auth = upstream.client(AuthService);
  const grants = createCliGrants();
  const rateLimit = { max: config.loginRateLimit.max, timeWindow: config.loginRateLimit.timeWindowMs };
  const page = (reply: FastifyReply, status: number, title: string, ...text: string[]) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .send(messagePage(title, ...text));
  const invalid = (reply: FastifyReply) =>
    page(
      reply,
      400,
      "This CLI sign-in link is not valid",
      "Run berth login --web again and use the link it opens.",
    );

  fastify.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: 2048 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body.toString()))),
  );

  /** A token for the person behind the session, ending when the session does at the latest. */
  const mintToken = async (session: Session): Promise<string> => {
    const left = Math.floor((session.absoluteExpiresAt - Date.now()) / 1000);
    const ttlSeconds = Math.max(1, Math.min(left, maxTokenSeconds));
    const call = { timeoutMs: upstreamTimeoutMs };
    if (session.external) {
      const minted = await auth.createExternalSessionToken(
        { role: roleToProto(session.role), ttlSeconds, identity: session.external },
        { ...upstream.callOptions(config.oidc.serviceToken), ...call },
      );
      return minted.secret;
    }
    // A pasted token's session: the CLI's token is derived from the session's, so it ends with it.
    const minted = await auth.createSessionToken(
      { ttlSeconds, name: `berth CLI of ${session.name}`.slice(0, 100) },
      { ...upstream.callOptions(session.token), ...call },
    );
    return minted.secret;
  };

  fastify.get<{ Querystring: CliLoginRequest }>(
    "/cli",
    { config: { rateLimit }, schema: { querystring: requestSchema }, attachValidation: true },
    async (request, reply) => {
      if (request.validationError) return invalid(reply);
      const session = await sessions.load(request);
      // Sign in first (a token, a link or a provider), then come back to this very page.
      if (!session) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      const who = `${session.external?.email || session.name} (${session.role})`;
      // The form's answer redirects to the CLI's listener, which the dashboard's form-action forbids.
      const directives = {
        ...cspDirectives(config.publicUrl, config.secure),
        formAction: ["'self'", `http://127.0.0.1:${request.query.port}`],
      };
      const csp = Object.entries(directives)
        .filter((entry): entry is [string, string[]] => entry[1] !== null)
        .map(([name, values]) => [name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), ...values].join(" "))
        .join("; ");
      return reply
        .header("content-security-policy", csp)
        .type("text/html; charset=utf-8")
        .send(cliLoginConfirmPage(request.query, who, session.csrfToken));
    },
  );

  fastify.post<{ Body: CliLoginRequest & { csrf?: string } }>(
    "/cli",
    { config: { rateLimit }, schema: { body: requestSchema }, attachValidation: true },
    async (request, reply) => {
      if (guards.origin(request) !== "same") {
        return page(reply, 403, "This sign-in did not come from this site", "Run berth login --web again.");
      }
      if (request.validationError) return invalid(reply);
      const session = await sessions.load(request);
      if (!session || !csrfTokenMatches(request.body.csrf, session.csrfToken)) {
        return page(
          reply,
          401,
          "You are not signed in here",
          "Run berth login --web again and sign in when asked.",
        );
      }
      let secret: string;
      try {
        secret = await mintToken(session);
      } catch (err) {
        const error = ConnectError.from(err);
        request.log.error({ err: error }, "minting a CLI token failed");
        return page(
          reply,
          502,
          "Berth could not sign the CLI in",
          isUnreachable(error)
            ? "The Berth server is unreachable; try again in a moment."
            : "See the BFF log.",
        );
      }
      const code = grants.issue(request.body.challenge, secret);
      request.log.info({ port: request.body.port }, "CLI sign-in granted");
      const target = new URL(`http://127.0.0.1:${request.body.port}/callback`);
      target.searchParams.set("code", code);
      target.searchParams.set("state", request.body.state);
      return reply.redirect(target.href, 303);
    },
  );

  fastify.post<{ Body: { code: string; verifier: string } }>(
    "/cli/token",
    {
      config: { rateLimit },
      bodyLimit: 1024,
      schema: {
        body: {
          type: "object",
          required: ["code", "verifier"],
          additionalProperties: false,
          properties: {
            code: { type: "string", minLength: 1, maxLength: 128 },
            verifier: { type: "string", minLength: 43, maxLength: 128 },
          },
        },
      },
    },
    async (request, reply) => {
      const token = grants.redeem(request.body.code, request.body.verifier);
      if (!token) {
        return replyError(
          reply,
          400,
          "the code is unknown, used or expired, or the verifier does not match it",
        );
      }
      return { token };
    },
  );
}
