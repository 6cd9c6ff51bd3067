// `tsx apps/server/src/main.ts [--data-dir D] [--apps-dir A] [--app-user U] [--api-port N] [--router-port N]
// [--host H] [--store postgres://…] [--print-token-json] [--stop-apps-on-exit]`: runs a server until SIGINT/SIGTERM
// (apps keep running unless --stop-apps-on-exit). Env: BERTH_DRAIN_MS, BERTH_DATA_DIR, BERTH_APPS_DIR, BERTH_STORE,
// BERTH_APP_USER, BERTH_API_PORT, BERTH_ROUTER_PORT, BERTH_HOST, BERTH_LOG_MAX_BYTES, BERTH_TRUSTED_PROXIES
// (comma-separated addresses whose X-Forwarded-For names the client; none by default), BERTH_REPLICA_HEARTBEAT_MS
// and BERTH_REPLICA_MISSED_BEATS (replicas on one PostgreSQL: docs/high-availability.md). The CLI
// wraps this as `berth server run`. Once listening it writes one JSON line to stdout: {"event":"ready","apiUrl",...}
// (with "bootstrapToken" on a first start only when --print-token-json asks for it).
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { defaultServerOptions, parseDrainMs } from "./server-options.js";
import { startServer } from "./start-server.js";

const { values } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    "apps-dir": { type: "string" },
    "app-user": { type: "string" },
    "api-port": { type: "string" },
    "router-port": { type: "string" },
    host: { type: "string" },
    store: { type: "string" },
    "print-token-json": { type: "boolean", default: false },
    "stop-apps-on-exit": { type: "boolean", default: false },
  },
});

// Everything the server creates is its own unless made otherwise (deployments are handed to the app user).
process.umask(0o077);
const dataDir = values["data-dir"] ?? process.env.BERTH_DATA_DIR ?? join(homedir(), ".berth", "data");
const defaults = defaultServerOptions(dataDir);
const port = (flag: string | undefined, env: string | undefined, fallback: number, name: string) => {
  const raw = flag ?? env;
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`berth: ${name} must be a port number 0-65535, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
};

const logMaxBytes = (raw: string | undefined) => {
  if (raw === undefined || raw === "") return defaults.logMaxBytes;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 64 * 1024) {
    process.stderr.write(
      `berth: BERTH_LOG_MAX_BYTES must be a whole number of bytes, at least 65536, got "${raw}"\n`,
    );
    process.exit(2);
  }
  return n;
};

let drainMs: number;
try {
  drainMs = parseDrainMs(process.env.BERTH_DRAIN_MS, defaults.drainMs);
} catch (e) {
  process.stderr.write(`berth: ${(e as Error).message}\n`);
  process.exit(2);
}

const server = await startServer({
  ...defaults,
  stopAppsOnExit: values["stop-apps-on-exit"],
  drainMs,
  logMaxBytes: logMaxBytes(process.env.BERTH_LOG_MAX_BYTES),
  store: values.store || process.env.BERTH_STORE || undefined,
  host: values.host ?? process.env.BERTH_HOST ?? defaults.host,
  appsDir: values["apps-dir"] ?? (process.env.BERTH_APPS_DIR || defaults.appsDir),
  appUser: values["app-user"] ?? (process.env.BERTH_APP_USER || defaults.appUser),
  apiPort: port(values["api-port"], process.env.BERTH_API_PORT, defaults.apiPort, "--api-port"),
  routerPort: port(
    values["router-port"],
    process.env.BERTH_ROUTER_PORT,
    defaults.routerPort,
    "--router-port",
  ),
  trustedProxies: process.env.BERTH_TRUSTED_PROXIES?.split(",")
    .map((a) => a.trim())
    .filter(Boolean),
}).catch((e: unknown) => {
  // One readable line, not a stack trace: the usual causes are a busy port or an unwritable data dir.
  process.stderr.write(`berth: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

if (server.bootstrapToken) {
  process.stderr.write(
    `\nBootstrap admin token (shown only once; store it now):\n\n  ${server.bootstrapToken}\n\n` +
      `Log in with (paste the token at its prompt): berth login --server ${server.apiUrl}\n\n`,
  );
}

// Handlers go in before the ready line: a supervisor may signal us the moment it reads it.
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  server.ctx.logger.info({ signal }, "stopping");
  server.close().then(
    () => process.exit(0),
    (e: unknown) => {
      server.ctx.logger.error({ err: e }, "shutdown failed");
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));

process.stdout.write(
  `${JSON.stringify({ event: "ready", apiUrl: server.apiUrl, apiPort: server.apiPort, routerPort: server.routerPort, bootstrapToken: values["print-token-json"] ? server.bootstrapToken : undefined })}\n`,
);
