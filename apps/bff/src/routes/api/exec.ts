import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { bridgeExec } from "../../exec/exec-bridge.js";
import { ExecCloseCode } from "../../exec/exec-close-codes.js";
import { createFrameInbox } from "../../exec/frame-inbox.js";
import { replyError } from "../reply-error.js";

/**
 * GET /api/exec: the browser terminal. The upgrade is refused (plain HTTP 401/403) unless the request
 * comes from this site's own page and carries a live session: a terminal reachable cross-origin would
 * be a drive-by remote shell. Protocol: docs/terminal-protocol.md.
 */
export default async function execRoutes(fastify: FastifyInstance) {
  const { guards, sessions, upstream, metrics, config } = fastify;

  // Runs before the upgrade; replying here means no WebSocket is ever opened.
  const admit = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = guards.origin(request);
    if (origin !== "same") {
      return replyError(
        reply,
        403,
        origin === "absent"
          ? "the terminal needs an Origin header (open it from the dashboard)"
          : "cross-origin terminal request refused (Origin does not match this site)",
      );
    }
    const session = await sessions.load(request);
    if (!session) return replyError(reply, 401, "not signed in (no session, or it has expired)");
    if (session.role === "viewer") {
      return replyError(reply, 403, "viewers cannot open a terminal; a deployer or admin token is needed");
    }
  };

  fastify.route({
    method: "GET",
    url: "/exec",
    preValidation: admit,
    // A plain GET (no Upgrade header) is told what this endpoint is.
    handler: async (_request, reply) =>
      replyError(reply, 426, "GET /api/exec is the terminal WebSocket; connect with a WebSocket client"),
    wsHandler: async (socket, request) => {
      // Synchronously, before any await: frames can arrive right behind the upgrade.
      const inbox = createFrameInbox(socket);
      // admit() loaded the session onto the request.
      const session = request.berthSession;
      if (!session) {
        socket.close(ExecCloseCode.unauthenticated, "not signed in");
        return;
      }
      await bridgeExec(socket, {
        inbox,
        upstream,
        metrics,
        session,
        log: request.log,
        requestId: request.id,
        keepaliveMs: config.execKeepaliveMs,
      });
    },
  });
}
