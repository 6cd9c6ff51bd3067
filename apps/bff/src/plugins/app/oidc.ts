import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { createOidcClient, type OidcClient } from "../../oidc/oidc-client.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The configured OIDC providers' clients by provider id (empty when none is configured). */
    oidc: ReadonlyMap<string, OidcClient>;
  }
}

/** Decorates `fastify.oidc`. Discovery is lazy: a provider that is down does not stop the BFF starting. */
export default fp(
  async (fastify: FastifyInstance) => {
    const clients = new Map(fastify.config.oidc.providers.map((p) => [p.id, createOidcClient(p)]));
    fastify.decorate("oidc", clients);
  },
  { name: "oidc", dependencies: ["config"] },
);
