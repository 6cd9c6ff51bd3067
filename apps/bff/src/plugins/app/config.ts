import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { BffConfig } from "../../bff-options.js";

declare module "fastify" {
  interface FastifyInstance {
    config: BffConfig;
  }
}

/** Makes the resolved configuration available to every plugin and route as `fastify.config`. */
export default fp(
  async (fastify: FastifyInstance, opts: { config: BffConfig }) => {
    fastify.decorate("config", opts.config);
    // The store may be shared with the caller, but its lifetime is ours once handed over.
    fastify.addHook("onClose", async () => {
      await opts.config.sessionStore.close();
    });
  },
  { name: "config" },
);
