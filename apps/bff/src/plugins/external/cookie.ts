import cookie from "@fastify/cookie";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** Cookie parsing and signing; the secret signs the session cookie so forged ids are refused unread. */
export default fp(
  async (fastify: FastifyInstance) => {
    await fastify.register(cookie, { secret: fastify.config.cookieSecret, hook: "onRequest" });
  },
  { name: "cookie", dependencies: ["config"] },
);
