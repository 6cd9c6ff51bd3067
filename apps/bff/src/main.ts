import closeWithGrace from "close-with-grace";
import { loadOidcConfig } from "./oidc/oidc-config.js";
import { startBff } from "./server.js";

/**
 * Runs the BFF from environment variables:
 * BERTH_SERVER_URL (http://127.0.0.1:9701; several separated by commas fail over), BERTH_BFF_PORT (9700), BERTH_BFF_HOST (127.0.0.1),
 * BERTH_COOKIE_SECRET, BERTH_WEB_DIST (apps/web/dist), BERTH_PUBLIC_URL, BERTH_TRUST_PROXY (the
 * addresses of the reverse proxy in front), BERTH_BFF_METRICS_TOKEN (Bearer token for /metrics),
 * BERTH_BFF_SERVICE_TOKEN (the BFF's admin login token: it reads the sign-in providers stored by the server
 * and mints OIDC sessions' tokens), BERTH_OIDC_CONFIG (a JSON file of more OIDC providers, see docs/sign-in.md).
 */
const env = process.env;
const port = Number(env.BERTH_BFF_PORT ?? 9700);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`BERTH_BFF_PORT must be a port number, got "${env.BERTH_BFF_PORT}"`);
  process.exit(2);
}

function trustProxy(raw: string | undefined): boolean | string {
  if (!raw || raw === "false") return false;
  return raw === "true" ? true : raw;
}

/**
 * OIDC sign-in: the providers of BERTH_OIDC_CONFIG's file, if any (a bad file stops the start with its
 * reason), and, with a service token, those managed in the dashboard.
 */
async function oidcOptions() {
  if (!env.BERTH_OIDC_CONFIG && !env.BERTH_BFF_SERVICE_TOKEN) return undefined;
  const { providers } = env.BERTH_OIDC_CONFIG
    ? await loadOidcConfig(env.BERTH_OIDC_CONFIG)
    : { providers: [] };
  return { providers, serviceToken: env.BERTH_BFF_SERVICE_TOKEN ?? "" };
}

const bff = await startBff({
  serverUrl: env.BERTH_SERVER_URL ?? "http://127.0.0.1:9701",
  cliServerUrl: env.BERTH_CLI_SERVER_URL,
  port,
  host: env.BERTH_BFF_HOST ?? "127.0.0.1",
  cookieSecret: env.BERTH_COOKIE_SECRET,
  webDistDir: env.BERTH_WEB_DIST ?? new URL("../../web/dist", import.meta.url).pathname,
  publicUrl: env.BERTH_PUBLIC_URL,
  trustProxy: trustProxy(env.BERTH_TRUST_PROXY),
  metricsToken: env.BERTH_BFF_METRICS_TOKEN,
  oidc: await oidcOptions().catch((err: unknown) => {
    console.error(`berth-bff: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }),
}).catch((err: unknown) => {
  // One readable line, not a stack trace: usually a busy port or a malformed URL.
  const code = (err as { code?: string }).code;
  const text =
    code === "EADDRINUSE"
      ? `cannot listen on port ${port}: it is already in use (set BERTH_BFF_PORT)`
      : err instanceof Error
        ? err.message
        : String(err);
  console.error(`berth-bff: ${text}`);
  process.exit(1);
});

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) bff.fastify.log.error({ err }, "shutting down after an error");
  else bff.fastify.log.info({ signal }, "shutting down");
  await bff.close();
});
