// The HA quickstart (`npm start -- --ha`): three `berth server run` replicas as child processes on one PostgreSQL
// database, the URL router as its own process, and the BFF serving the dashboard in this process. The router and
// the BFF are given all three replicas' addresses and fail over between them; so are the CLI line and the apps'
// entrypoints (the replica that starts an instance lists every live replica). Any replica can be SIGKILLed.
import { chmodSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { type RunningBff, startBff } from "@berth/bff";
import {
  appUrl,
  createLoginCode,
  defaultServerOptions,
  deploymentUrl,
  issueToken,
  openStore,
  type Store,
} from "@berth/server";
import { bffServiceToken } from "./bff-service-token.js";
import { waitForHaEntrypoints } from "./ha-entrypoints.js";
import { ensureDatabase } from "./postgres-database.js";
import { type ReplicaProcess, startReplicaProcess } from "./start-replica-process.js";
import { freePort, type RouterChild, startRouterProcess } from "./start-router-process.js";

/** How many replicas the HA quickstart runs. */
export const replicaCount = 3;

export interface HaStackOptions {
  dataDir: string;
  /** postgres://…/database; created when missing. */
  store: string;
  host?: string;
  /** The first replica's API port (9701 by default); the others get +10 and +20. 0 picks free ports. */
  apiPort?: number;
  /** 9702 by default; 0 picks a free port. */
  routerPort?: number;
  /** 9700 by default; 0 picks a free port. */
  bffPort?: number;
  webDistDir?: string;
  /** Shorter grace periods for tests. */
  fastShutdown?: boolean;
}

export interface HaStack {
  /** This process's own connection to the shared store (tokens and sign-in codes are minted through it). */
  db: Store["db"];
  /** Whether ensureDatabase had to create the database. */
  createdDatabase: boolean;
  replicas: ReplicaProcess[];
  /** The replicas' API addresses, comma-separated, in the order the router, the BFF and the CLI try them. */
  apiUrls: string;
  bff: RunningBff;
  router: RouterChild;
  dashboardUrl: string;
  routerPort: number;
  loginToken(options?: { role?: "viewer" | "deployer" | "admin"; name?: string; ttlMs?: number }): Promise<{
    id: string;
    secret: string;
  }>;
  loginLink(): Promise<string>;
  cliLoginCode(): Promise<string>;
  appUrl(project: string, app: string): string;
  deploymentUrl(project: string, app: string, seq: number): string;
  /** Until every live instance's entrypoint is connected to a replica that is still alive. */
  waitForEntrypoints(timeoutMs: number): Promise<boolean>;
  /** The apps dirs of every replica (a killed replica's apps keep running; the caller may end them). */
  appsDirs(): string[];
  /** Stops the BFF, the router and the replicas still alive (SIGTERM), then closes the store connection. */
  close(): Promise<void>;
}

/** Starts the database (if missing), the replicas, the router, then the BFF; stops what started if a step fails. */
export async function startHaStack(options: HaStackOptions): Promise<HaStack> {
  const host = options.host ?? "127.0.0.1";
  const { BERTH_LOG_LEVEL: logLevel = "info" } = process.env;
  // Others may pass through (not list): each replica's apps dir, <replica dir>-apps, sits in here and a root server
  // runs apps as another user, who must reach it. What is inside stays private (replica dirs are 0700 too).
  mkdirSync(options.dataDir, { recursive: true });
  chmodSync(options.dataDir, 0o711);
  const logDir = join(options.dataDir, "logs");
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const createdDatabase = await ensureDatabase(options.store);
  // Migrating once here, before the replicas start, spares them racing for it.
  const store = await openStore({ url: options.store, poolSize: 2 });
  const db = store.db;
  const routerPort = options.routerPort === 0 ? await freePort(host) : (options.routerPort ?? 9702);
  const firstApiPort = options.apiPort ?? 9701;
  const artifactsDir = join(options.dataDir, "artifacts");
  mkdirSync(artifactsDir, { recursive: true, mode: 0o700 });
  const replicas: ReplicaProcess[] = [];
  let router: RouterChild | undefined;
  const stopAll = async () => {
    await router?.stop();
    await Promise.all(replicas.map((r) => r.stop()));
    await store.close();
  };
  try {
    const started = await Promise.allSettled(
      Array.from({ length: replicaCount }, (_, i) => {
        const name = `replica-${i + 1}`;
        const dataDir = join(options.dataDir, name);
        mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        // One artifact directory for all three, as a shared volume would be in production: a replica stores the
        // uploads it receives in <data-dir>/artifacts, and the deploy job may be claimed by another replica.
        if (!existsSync(join(dataDir, "artifacts"))) symlinkSync(artifactsDir, join(dataDir, "artifacts"));
        return startReplicaProcess({
          name,
          dataDir,
          host,
          apiPort: firstApiPort === 0 ? 0 : firstApiPort + 10 * i,
          routerPort,
          store: options.store,
          logDir,
        });
      }),
    );
    for (const s of started) if (s.status === "fulfilled") replicas.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    const apiUrls = replicas.map((r) => r.apiUrl).join(",");
    const routerToken = await issueToken(db, { kind: "router", name: "quickstart HA router" });
    router = await startRouterProcess({
      serverUrl: apiUrls,
      host,
      port: routerPort,
      token: routerToken.secret,
      stateDir: join(options.dataDir, "router"),
      logDir,
    });
    const bff = await startBff({
      serverUrl: apiUrls,
      host,
      port: options.bffPort ?? 9700,
      webDistDir: options.webDistDir,
      oidc: { providers: [], serviceToken: await bffServiceToken(db, options.dataDir) },
      logger: { level: logLevel, file: join(logDir, "bff.log") },
      shutdownGraceMs: options.fastShutdown ? 300 : 3000,
    });
    return haStack({
      ...options,
      host,
      db,
      store,
      createdDatabase,
      replicas,
      apiUrls,
      router,
      bff,
      routerPort,
    });
  } catch (e) {
    await stopAll().catch(() => {});
    throw e;
  }
}

/** The running stack's handle (everything has started). */
function haStack(parts: {
  dataDir: string;
  host: string;
  db: Store["db"];
  store: Store;
  createdDatabase: boolean;
  replicas: ReplicaProcess[];
  apiUrls: string;
  router: RouterChild;
  bff: RunningBff;
  routerPort: number;
}): HaStack {
  const { db, bff, router, replicas } = parts;
  const bffPort = new URL(bff.url).port;
  // "localhost" rather than 127.0.0.1: the same name the app URLs use, so the browser sees one site.
  const dashboardUrl = parts.host === "127.0.0.1" ? `http://localhost:${bffPort}` : bff.url;
  const urlOptions = {
    baseDomain: defaultServerOptions(parts.dataDir).baseDomain,
    routerPort: parts.routerPort,
  };
  const loginToken: HaStack["loginToken"] = async (o = {}) => {
    const issued = await issueToken(db, {
      kind: "login",
      role: o.role ?? "admin",
      name: o.name ?? "quickstart",
      ttlMs: o.ttlMs,
    });
    return { id: issued.info.id, secret: issued.secret };
  };
  const adminLoginCode = async (name: string) => {
    const minter = await loginToken({ name: "quickstart code minter", ttlMs: 60_000 });
    return (await createLoginCode(db, { role: "admin", name, createdBy: minter.id })).code;
  };
  const alive = () => replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
  let closing: Promise<void> | undefined;
  return {
    db,
    createdDatabase: parts.createdDatabase,
    replicas,
    apiUrls: parts.apiUrls,
    bff,
    router,
    dashboardUrl,
    routerPort: parts.routerPort,
    loginToken,
    async loginLink() {
      return `${dashboardUrl}/auth/magic/${await adminLoginCode("you (quickstart)")}`;
    },
    cliLoginCode: () => adminLoginCode("you (quickstart CLI)"),
    appUrl: (project, app) => appUrl(project, app, urlOptions),
    deploymentUrl: (project, app, seq) => deploymentUrl(project, app, seq, urlOptions),
    async waitForEntrypoints(timeoutMs) {
      const token = await loginToken({
        role: "viewer",
        name: "quickstart readiness",
        ttlMs: timeoutMs + 10_000,
      });
      const urls = alive().map((r) => r.apiUrl);
      return waitForHaEntrypoints(db, urls, token.secret, timeoutMs);
    },
    appsDirs: () => replicas.map((r) => defaultServerOptions(r.dataDir).appsDir),
    close() {
      closing ??= (async () => {
        await bff.close().catch(() => {});
        await router.stop();
        await Promise.all(replicas.map((r) => r.stop()));
        await parts.store.close();
      })();
      return closing;
    },
  };
}
