// `npm start -- --ha`: the quickstart with the control plane highly available (docs/high-availability.md, "Try
// it"): three replicas on PostgreSQL, the router and the dashboard given all three, the demo app shipped on the
// first run. Prints the usual ready block plus the replicas' pids and how to kill one; Ctrl-C stops everything.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { deployDemo } from "./demo-app.js";
import { latestApp, waitForHttp } from "./demo-status.js";
import { stopLeftoverApps } from "./leftover-apps.js";
import { dropDatabase } from "./postgres-database.js";
import { type HaStack, startHaStack } from "./start-ha-stack.js";

/** The database `--ha` uses unless told otherwise (created when missing). */
export const defaultHaStore = "postgres://postgres@127.0.0.1:5432/berth_ha";

export interface HaQuickstartOptions {
  dataDir: string;
  store: string;
  fresh: boolean;
  demo: boolean;
  host?: string;
  apiPort: number;
  routerPort: number;
  bffPort: number;
  webDistDir: string;
}

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[22m` : s);
const redacted = (url: string) => url.replace(/(\/\/[^/:@]*:)[^@/]*@/, "$1***@");

function fail(message: string, code = 1): never {
  console.error(`quickstart: ${message}`);
  process.exit(code);
}

/** --fresh: the data dir (only one the HA quickstart made, or an empty one) and the database go. */
async function startFresh(o: HaQuickstartOptions): Promise<void> {
  if (existsSync(o.dataDir)) {
    const entries = readdirSync(o.dataDir);
    if (entries.length > 0 && !entries.includes("replica-1"))
      fail(`--fresh refuses to delete ${o.dataDir}: it is not an HA quickstart data dir (no replica-1/)`, 2);
    let stopped = 0;
    for (const name of entries.filter((e) => e.startsWith("replica-")))
      stopped += await stopLeftoverApps(`${o.dataDir}/${name}`);
    console.log(
      dim(`Deleting ${o.dataDir} (--fresh)${stopped ? `; stopped ${stopped} leftover app process(es)` : ""}`),
    );
    rmSync(o.dataDir, { recursive: true, force: true });
  }
  console.log(dim(`Dropping the database ${redacted(o.store)} (--fresh)`));
  await dropDatabase(o.store).catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
}

/** The lines under the ready block: each replica, and how to kill the one the dashboard uses first. */
function replicaLines(stack: HaStack): string {
  const rows = stack.replicas.map(
    (r, i) =>
      `${i === 0 ? "  Replicas    " : "              "}${r.name}  ${r.apiUrl}  pid ${r.pid}${i === 0 ? dim("   (the dashboard's and router's first choice)") : ""}`,
  );
  const first = stack.replicas[0];
  return `${rows.join("\n")}
  Kill one    ${bold(`kill -9 ${first?.pid}`)}   ${dim("then: npx berth replicas shows it dead after ~6 s; the dashboard and the app carry on")}`;
}

/** Runs the HA quickstart until a signal; never returns. */
export async function runHaQuickstart(o: HaQuickstartOptions): Promise<never> {
  const started = Date.now();
  if (o.fresh) await startFresh(o);
  const firstStart = !existsSync(`${o.dataDir}/replica-1`);
  const stack = await startHaStack({
    dataDir: o.dataDir,
    store: o.store,
    host: o.host,
    apiPort: o.apiPort,
    routerPort: o.routerPort,
    bffPort: o.bffPort,
    webDistDir: existsSync(`${o.webDistDir}/index.html`) ? o.webDistDir : undefined,
  }).catch((e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    if (/PostgreSQL|--store|database/.test(message))
      fail(
        `${message}\n  (is PostgreSQL running? --ha needs one; e.g. --store postgres://postgres@127.0.0.1:5432/berth_ha)`,
      );
    fail(
      `${message}\n  (another Berth running? stop it, or pick other ports: npm start -- --ha --bff-port 0 --api-port 0 --router-port 0)`,
    );
  });

  let stopping = false;
  const stop = (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log(dim(`\n${signal}: stopping the replicas, the router, the dashboard and the apps…`));
    setTimeout(() => fail("shutdown took too long; exiting"), 25_000).unref();
    stack
      .close()
      // A killed replica's apps keep serving (production behaviour); a demo session ends them all.
      .then(async () => {
        let ended = 0;
        for (const replica of stack.replicas) ended += await stopLeftoverApps(replica.dataDir);
        console.log(dim(`Stopped.${ended ? ` Ended ${ended} app process(es).` : ""}`));
        process.exit(code);
      })
      .catch((e: unknown) => fail(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`));
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal));
  for (const replica of stack.replicas)
    void replica.exited.then(([code, signal]) => {
      if (stopping) return;
      console.log(
        `\n${bold(`${replica.name} (pid ${replica.pid}) exited (${signal ?? `code ${code}`}).`)} ` +
          dim("The other replicas carry on; npx berth replicas lists it as dead once its beats stop."),
      );
    });

  try {
    let app = await latestApp(stack.db);
    if (!app && o.demo) {
      console.log(bold("\nDeploying the demo app (examples/hello-node) from two commits…\n"));
      const deployer = await stack.loginToken({
        role: "deployer",
        name: "quickstart",
        ttlMs: 60 * 60 * 1000,
      });
      await deployDemo({ apiUrl: stack.apiUrls, token: deployer.secret, output: "inherit" });
      app = await latestApp(stack.db);
    } else if (app && firstStart) {
      // The history belongs to replicas that ran from another data dir: nobody here runs its apps.
      console.log(
        bold(
          `The database ${redacted(o.store)} already holds ${app.project}/${app.app}, made from another data dir;`,
        ) + dim(" its apps do not run here. npm start -- --ha --fresh starts from nothing."),
      );
    } else if (app) {
      console.log(
        dim(`Reusing ${o.dataDir}: ${app.project}/${app.app} has ${app.deployments} deployment(s).`),
      );
    }
    const appUrl = app ? stack.appUrl(app.project, app.app) : undefined;
    if (appUrl) await waitForHttp(appUrl, 15_000).catch(() => undefined);
    await stack.waitForEntrypoints(15_000);
    const link = await stack.loginLink();
    const cliCode = await stack.cliLoginCode();
    if (stopping) return await new Promise<never>(() => {});
    console.log(`
${bold("Berth is running: 3 server replicas on PostgreSQL.")} ${dim(`(ready in ${((Date.now() - started) / 1000).toFixed(1)} s; data in ${o.dataDir}, database ${redacted(o.store)}${stack.createdDatabase ? ", created now" : ""})`)}

  Dashboard   ${stack.dashboardUrl}
  Sign in     ${bold(link)}   ${dim("(one-time link, valid 10 minutes)")}
${app ? `  App         ${appUrl}   ${dim(`(${app.project}/${app.app}; each deployment also has its own URL)`)}\n` : ""}  API         ${stack.apiUrls}
  CLI         ${bold(`npx berth login --server ${stack.apiUrls} --dashboard ${stack.dashboardUrl} --code ${cliCode}`)}
              ${dim("(one-time code, valid 10 minutes; signed out later? npx berth login-link prints a new sign-in link)")}
${replicaLines(stack)}

Press Ctrl-C to stop. ${dim("npm start -- --ha --fresh starts from nothing (drops the database).")}`);
  } catch (e) {
    console.error(`\nquickstart: ${e instanceof Error ? e.message : String(e)}`);
    console.error(dim(`  logs: ${o.dataDir}/logs`));
    stop("error", 1);
  }
  return await new Promise<never>(() => {});
}
