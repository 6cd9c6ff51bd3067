import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { createProviderSource, type ProviderSource } from "../../oidc/provider-source.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The OIDC providers people may sign in with: the BFF's file, then those the server stores. */
    oidc: ProviderSource;
  }
}

/**
 * Decorates `fastify.oidc`. Discovery is lazy: a provider that is down does not stop the BFF starting,
 * and the server's providers are read on each sign-in step, so the dashboard's changes need no restart.
 */
export default fp(
  async (fastify: FastifyInstance) => {
    const { providers, serviceToken } = fastify.config.oidc;
    fastify.decorate(
      "oidc",
      createProviderSource({
        fileProviders: providers,
        upstream: fastify.upstream,
        serviceToken,
        log: fastify.log,
      }),
    );
  },
  { name: "oidc", dependencies: ["config", "upstream"] },
);
