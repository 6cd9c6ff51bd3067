// `npm start`, after scripts/quickstart.mjs installed what is needed: starts Berth with embedded defaults,
// ships the demo app twice on the first run, prints the dashboard login link, a one-time CLI login line and the
// app URL, and stops everything (app processes included) on Ctrl-C. The server itself runs as in production (its
// apps outlive it, so a crashed or killed quickstart leaves them serving and the next start re-adopts them); the
// Ctrl-C path ends the demo's apps explicitly afterwards.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { defaultServerOptions } from "@berth/server";
import { deployDemo, repoRoot } from "./demo-app.js";
import { latestApp, waitForEntrypoints, waitForHttp } from "./demo-status.js";
import { defaultHaStore, runHaQuickstart } from "./ha-quickstart.js";
import { stopLeftoverApps } from "./leftover-apps.js";
import { startStack } from "./start-stack.js";

const { values } = parseArgs({
  options: {
    fresh: { type: "boolean", default: false },
    "data-dir": { type: "string" },
    host: { type: "string" },
    "bff-port": { type: "string" },
    "api-port": { type: "string" },
    "router-port": { type: "string" },
    "no-demo": { type: "boolean", default: false },
    ha: { type: "boolean", default: false },
    store: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(`npm start [-- options]
  --fresh             delete the data dir first and start from nothing
  --data-dir <dir>    where Berth keeps its data (default .berth/ here; env BERTH_DATA_DIR)
  --bff-port <n>      dashboard port (default 9700; env BERTH_BFF_PORT; 0 picks a free one)
  --api-port <n>      API port (default 9701; env BERTH_API_PORT)
  --router-port <n>   app URL port (default 9702; env BERTH_ROUTER_PORT)
  --no-demo           do not deploy examples/hello-node
  --ha                3 server replicas on PostgreSQL + the router + the dashboard (docs/high-availability.md);
                      data in .berth-ha/, replica APIs on --api-port, +10, +20 (9701, 9711, 9721)
  --store <url>       with --ha: the PostgreSQL database, created when missing
                      (default ${defaultHaStore}; env BERTH_STORE)`);
  process.exit(0);
}

function port(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`quickstart: ${name} must be a port number 0-65535, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const env: Record<string, string | undefined> = process.env;
if (values.store !== undefined && !values.ha) {
  console.error("quickstart: --store needs --ha (the single-server quickstart keeps SQLite in its data dir)");
  process.exit(2);
}
if (values.ha)
  await runHaQuickstart({
    dataDir: resolve(values["data-dir"] ?? env.BERTH_DATA_DIR ?? join(repoRoot, ".berth-ha")),
    store: values.store ?? env.BERTH_STORE ?? defaultHaStore,
    fresh: values.fresh,
    demo: !values["no-demo"],
    host: values.host,
    bffPort: port(values["bff-port"] ?? env.BERTH_BFF_PORT, 9700, "--bff-port"),
    apiPort: port(values["api-port"] ?? env.BERTH_API_PORT, 9701, "--api-port"),
    routerPort: port(values["router-port"] ?? env.BERTH_ROUTER_PORT, 9702, "--router-port"),
    webDistDir: join(repoRoot, "apps/web/dist"),
  });
const dataDir = resolve(values["data-dir"] ?? env.BERTH_DATA_DIR ?? join(repoRoot, ".berth"));
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[22m` : s);
const started = Date.now();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

if (values.fresh && existsSync(dataDir)) {
  // Only a directory that looks like a Berth data dir (or is empty) is deleted.
  const entries = readdirSync(dataDir);
  if (entries.length > 0 && !entries.includes("berth.db")) {
    console.error(
      `quickstart: --fresh refuses to delete ${dataDir}: it is not a Berth data dir (no berth.db)`,
    );
    process.exit(2);
  }
  const lockFile = join(dataDir, "server.lock");
  const holder = existsSync(lockFile) ? Number.parseInt(readFileSync(lockFile, "utf8"), 10) || 0 : 0;
  if (holder > 0 && isAlive(holder)) {
    console.error(
      `quickstart: --fresh: ${dataDir} is in use by a running Berth (pid ${holder}); stop it first`,
    );
    process.exit(2);
  }
  const stopped = await stopLeftoverApps(dataDir);
  console.log(
    dim(`Deleting ${dataDir} (--fresh)${stopped ? `; stopped ${stopped} leftover app process(es)` : ""}`),
  );
  rmSync(dataDir, { recursive: true, force: true });
  // Where the server unpacked the apps (beside the data dir, or under /var/lib/berth-apps for a root server in a
  // private home).
  rmSync(defaultServerOptions(dataDir).appsDir, { recursive: true, force: true });
}

const stack = await startStack({
  dataDir,
  host: values.host,
  bffPort: port(values["bff-port"] ?? env.BERTH_BFF_PORT, 9700, "--bff-port"),
  apiPort: port(values["api-port"] ?? env.BERTH_API_PORT, 9701, "--api-port"),
  routerPort: port(values["router-port"] ?? env.BERTH_ROUTER_PORT, 9702, "--router-port"),
  webDistDir: join(repoRoot, "apps/web/dist"),
}).catch((e: unknown) => {
  console.error(`quickstart: ${e instanceof Error ? e.message : String(e)}`);
  console.error(
    "  (another Berth running? stop it, or pick other ports: npm start -- --bff-port 0 --api-port 0 --router-port 0)",
  );
  process.exit(1);
});

let stopping = false;
const stop = (signal: string, code = 0) => {
  if (stopping) return;
  stopping = true;
  console.log(dim(`\n${signal}: stopping Berth and the apps it runs…`));
  // A stuck shutdown must not leave the terminal hanging.
  setTimeout(() => {
    console.error("quickstart: shutdown took too long; exiting");
    process.exit(1);
  }, 20_000).unref();
  stack
    .close()
    // The server left its apps running (production behaviour); a demo session ends them on Ctrl-C.
    .then(() => stopLeftoverApps(dataDir))
    .then(
      (apps) => {
        console.log(dim(`Stopped.${apps ? ` Ended ${apps} app process(es).` : ""}`));
        process.exit(code);
      },
      (e: unknown) => {
        console.error(`quickstart: shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal));

try {
  const db = stack.server.ctx.store.db;
  let app = await latestApp(db);
  if (!app && !values["no-demo"]) {
    console.log(bold("\nDeploying the demo app (examples/hello-node) from two commits…\n"));
    const deployer = await stack.loginToken({ role: "deployer", name: "quickstart", ttlMs: 60 * 60 * 1000 });
    await deployDemo({ apiUrl: stack.apiUrl, token: deployer.secret, output: "inherit" });
    app = await latestApp(db);
  } else if (app) {
    console.log(dim(`Reusing ${dataDir}: ${app.project}/${app.app} has ${app.deployments} deployment(s).`));
  }
  const appUrl = app ? stack.appUrl(app.project, app.app) : undefined;
  if (app && appUrl) await waitForHttp(appUrl, 15_000).catch(() => undefined);
  await waitForEntrypoints(stack.server, 15_000);
  const link = await stack.loginLink();
  const cliCode = await stack.cliLoginCode();
  if (stopping) process.exit(0);
  console.log(`
${bold("Berth is running.")} ${dim(`(ready in ${((Date.now() - started) / 1000).toFixed(1)} s; data in ${dataDir})`)}

  Dashboard   ${stack.dashboardUrl}
  Sign in     ${bold(link)}   ${dim("(one-time link, valid 10 minutes)")}
${app ? `  App         ${appUrl}   ${dim(`(${app.project}/${app.app}; each deployment also has its own URL)`)}\n` : ""}  API         ${stack.apiUrl}
  CLI         ${bold(`npx berth login --server ${stack.apiUrl} --dashboard ${stack.dashboardUrl} --code ${cliCode}`)}
              ${dim("(one-time code, valid 10 minutes; signed out later? npx berth login-link prints a new sign-in link)")}

Press Ctrl-C to stop. ${dim("npm start -- --fresh starts from nothing.")}`);
} catch (e) {
  console.error(`\nquickstart: ${e instanceof Error ? e.message : String(e)}`);
  console.error(dim(`  logs: ${join(dataDir, "logs")}`));
  stop("error", 1);
}
