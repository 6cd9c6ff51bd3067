import { randomBytes } from "node:crypto";
import { parseServerAddresses } from "@berth/failover";
import type { FastifyServerOptions } from "fastify";
import type { OidcProviderConfig } from "./oidc/oidc-config.js";
import { createMemorySessionStore } from "./sessions/memory-session-store.js";
import type { SessionStore } from "./sessions/session-store.js";

/** Everything a BFF instance is configured with (env in main.ts, arguments in tests). */
export interface BffOptions {
  /**
   * The Berth server's API, e.g. http://127.0.0.1:9701 (gRPC over h2c); several separated by commas are replicas,
   * tried in turn.
   */
  serverUrl: string;
  /**
   * The API address people's CLIs use (the Get started page's `berth login --server`), when it is not the
   * address this BFF reaches the server at; serverUrl by default.
   */
  cliServerUrl?: string;
  /** Signs the session cookie. A random one per process when absent (sessions then end on restart anyway). */
  cookieSecret?: string;
  /** The built SPA (apps/web/dist). Without it the BFF serves the API only. */
  webDistDir?: string;
  /** The URL browsers use, e.g. https://berth.example.com. Decides cookie security and the expected Origin. */
  publicUrl?: string;
  /** Where sessions live; in memory by default. */
  sessionStore?: SessionStore;
  /** A session ends after this long without use (default 12 h). */
  sessionIdleMs?: number;
  /** A session ends this long after login regardless of use (default 7 days). */
  sessionMaxAgeMs?: number;
  /** Login attempts allowed per client address and window (default 20 per minute). */
  loginRateLimit?: { max: number; timeWindowMs: number };
  /** Largest request body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Interval of terminal WebSocket pings (default 20 s). */
  execKeepaliveMs?: number;
  /**
   * The reverse proxy (TLS terminator) in front, as addresses/CIDRs ("10.0.0.0/8,127.0.0.1"): only
   * requests from these have their X-Forwarded-For honoured, so each browser gets its own login
   * rate-limit bucket. `true` (trust anyone's header) is refused: any client could then pick its bucket,
   * dodging the limit or exhausting another's.
   */
  trustProxy?: boolean | string;
  /**
   * Bearer token for /metrics and the detailed /healthz (BERTH_BFF_METRICS_TOKEN). Without it /metrics
   * answers 404 and /healthz only says ok or degraded: this port faces browsers.
   */
  metricsToken?: string;
  /** Fastify's logger option; pino JSON on stdout by default, `false` in tests. */
  logger?: FastifyServerOptions["logger"];
  /** Sign-in through OIDC providers (BERTH_OIDC_CONFIG names the file; see docs/sign-in.md). */
  oidc?: OidcOptions;
}

/** OIDC sign-in: the providers, and the BFF's own admin token that mints their sessions' tokens. */
export interface OidcOptions {
  providers: OidcProviderConfig[];
  /**
   * An admin login token of the BFF's own (BERTH_BFF_SERVICE_TOKEN): it asks the server for each OIDC
   * session's token (CreateExternalSessionToken). Revoking it ends every such session.
   */
  serviceToken: string;
}

/** BffOptions with every default applied, as plugins and routes read it (`fastify.config`). */
export interface BffConfig {
  /** The server addresses (origins), in order of preference. */
  serverUrls: string[];
  /** What the Get started page tells CLIs to use (comma-separated when several). */
  cliServerUrl: string;
  cookieSecret: string;
  webDistDir: string | undefined;
  publicUrl: URL | undefined;
  /** True when served over https: cookies get Secure and the `__Host-` prefix. */
  secure: boolean;
  sessionCookie: string;
  csrfCookie: string;
  sessionStore: SessionStore;
  sessionIdleMs: number;
  sessionMaxAgeMs: number;
  loginRateLimit: { max: number; timeWindowMs: number };
  bodyLimit: number;
  execKeepaliveMs: number;
  metricsToken: string | undefined;
  /** The proxy addresses whose X-Forwarded-For is honoured; false for none. */
  trustProxy: string | false;
  /** OIDC providers (none configured: an empty list) and the BFF's service token. */
  oidc: OidcOptions;
  /** The short-lived cookie binding an OIDC sign-in attempt (state, nonce, PKCE) to this browser. */
  oidcFlowCookie: string;
}

/** Applies the defaults and validates what cannot be defaulted. */
export function resolveBffConfig(options: BffOptions): BffConfig {
  const serverUrls = parseServerAddresses(options.serverUrl, "serverUrl (BERTH_SERVER_URL)");
  let publicUrl: URL | undefined;
  if (options.publicUrl) {
    try {
      publicUrl = new URL(options.publicUrl);
    } catch (cause) {
      throw new Error(`publicUrl "${options.publicUrl}" is not a URL (e.g. https://berth.example.com)`, {
        cause,
      });
    }
  }
  const secure = publicUrl?.protocol === "https:";
  if (options.trustProxy === true) {
    throw new Error(
      'trustProxy (BERTH_TRUST_PROXY) "true" would honour X-Forwarded-For from any client; give the reverse proxy\'s addresses instead, e.g. "127.0.0.1" or "10.0.0.0/8"',
    );
  }
  const trustProxy = options.trustProxy ? options.trustProxy.trim() : false;
  const providers = options.oidc?.providers ?? [];
  const serviceToken = options.oidc?.serviceToken?.trim() ?? "";
  if (providers.length > 0 && !serviceToken) {
    throw new Error(
      "OIDC providers are configured but the BFF has no service token (BERTH_BFF_SERVICE_TOKEN): create an admin login token for it with `berth token create --role admin --name bff`",
    );
  }
  // The CLI takes the same comma-separated list, so the BFF's own addresses are the default.
  const cliServerUrls = options.cliServerUrl
    ? parseServerAddresses(options.cliServerUrl, "cliServerUrl (BERTH_CLI_SERVER_URL)")
    : serverUrls;
  return {
    serverUrls,
    cliServerUrl: cliServerUrls.join(","),
    cookieSecret: options.cookieSecret || randomBytes(32).toString("base64url"),
    webDistDir: options.webDistDir,
    publicUrl,
    secure,
    // `__Host-` makes the browser refuse the cookie unless Secure, host-only and Path=/.
    sessionCookie: secure ? "__Host-berth_session" : "berth_session",
    csrfCookie: "berth_csrf",
    sessionStore: options.sessionStore ?? createMemorySessionStore(),
    sessionIdleMs: options.sessionIdleMs ?? 12 * 60 * 60 * 1000,
    sessionMaxAgeMs: options.sessionMaxAgeMs ?? 7 * 24 * 60 * 60 * 1000,
    loginRateLimit: options.loginRateLimit ?? { max: 20, timeWindowMs: 60_000 },
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    execKeepaliveMs: options.execKeepaliveMs ?? 20_000,
    metricsToken: options.metricsToken || undefined,
    trustProxy: trustProxy || false,
    oidc: { providers, serviceToken },
    oidcFlowCookie: secure ? "__Host-berth_oidc" : "berth_oidc",
  };
}
