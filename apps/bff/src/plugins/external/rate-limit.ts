import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** Rate limiting, off by default: routes opt in (login, magic links) through `config.rateLimit`. */
export default fp(
  async (fastify: FastifyInstance) => {
    await fastify.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: "Too Many Requests",
        message: `too many attempts; try again in ${context.after}`,
      }),
    });
  },
  { name: "rate-limit" },
);
