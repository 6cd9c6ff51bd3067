import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** The Content-Security-Policy directives the dashboard runs under. */
export function cspDirectives(publicUrl: URL | undefined, secure: boolean): Record<string, string[] | null> {
  // The terminal's WebSocket: the exact origin when known; older Safari does not count ws: as 'self'.
  const ws = publicUrl
    ? [`${publicUrl.protocol === "https:" ? "wss" : "ws"}://${publicUrl.host}`]
    : ["ws:", "wss:"];
  return {
    defaultSrc: ["'self'"],
    // No inline scripts: the SPA ships only files (theme-init.js is one for exactly this reason).
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    // xterm.js and React write styles at run time; styles cannot run code, scripts stay strict.
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    fontSrc: ["'self'", "data:"],
    connectSrc: ["'self'", ...ws],
    workerSrc: ["'self'", "blob:"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    // Over plain http (localhost) upgrading would break every request.
    upgradeInsecureRequests: secure ? [] : null,
  };
}

/** Security headers on every response: CSP, nosniff, referrer policy, no framing, HSTS over https. */
export default fp(
  async (fastify: FastifyInstance) => {
    const { publicUrl, secure } = fastify.config;
    await fastify.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(publicUrl, secure) },
      referrerPolicy: { policy: "same-origin" },
      frameguard: { action: "deny" },
      strictTransportSecurity: secure ? { maxAge: 15552000, includeSubDomains: false } : false,
      crossOriginEmbedderPolicy: false,
    });
  },
  { name: "helmet", dependencies: ["config"] },
);
