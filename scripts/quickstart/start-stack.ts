// One local Berth: the server (API, built-in runner, process platform) and the BFF serving the dashboard, in this
// process, and the URL router as its own child process (`berth router run`), as production runs it. The
// quickstart and the e2e tests both start Berth through here.
import { once } from "node:events";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type OidcProviderConfig, type RunningBff, startBff } from "@berth/bff";
import {
  appUrl,
  createLoginCode,
  defaultServerOptions,
  deploymentUrl,
  issueToken,
  type RunningServer,
  startServer,
} from "@berth/server";
import pino from "pino";
import { bffServiceToken } from "./bff-service-token.js";
import { freePort, type RouterChild, startRouterProcess } from "./start-router-process.js";

export interface StackOptions {
  dataDir: string;
  host?: string;
  /** 9701 by default; 0 picks a free port. */
  apiPort?: number;
  /** 9702 by default; 0 picks a free port. */
  routerPort?: number;
  /** 9700 by default; 0 picks a free port. */
  bffPort?: number;
  /** The built SPA; the BFF serves the API only when it is missing. */
  webDistDir?: string;
  /** Where the server and BFF write their JSON logs (default `<dataDir>/logs/`). */
  logDir?: string;
  /** Shorter grace periods for tests. */
  fastShutdown?: boolean;
  /** close() stops the apps too (tests, benches); by default they keep running, as with a production server. */
  stopAppsOnExit?: boolean;
  /** OIDC providers from a file for the dashboard's sign-in (the dashboard can add more: the BFF always gets a service token). */
  oidcProviders?: OidcProviderConfig[];
}

export interface Stack {
  server: RunningServer;
  bff: RunningBff;
  /** The dashboard, as a browser should open it. */
  dashboardUrl: string;
  apiUrl: string;
  routerPort: number;
  /** The supervised router process (its pid changes when it is restarted). */
  router: RouterChild;
  /** Mints a login token in-process (the bootstrap token is shown only on the first start). */
  loginToken(options?: { role?: "viewer" | "deployer" | "admin"; name?: string; ttlMs?: number }): Promise<{
    id: string;
    secret: string;
  }>;
  /** A one-time link that signs the browser in (valid 10 minutes). */
  loginLink(): Promise<string>;
  /** A one-time code for `berth login --code` (valid 10 minutes), so no long-lived token is shown. */
  cliLoginCode(): Promise<string>;
  appUrl(project: string, app: string): string;
  deploymentUrl(project: string, app: string, seq: number): string;
  close(): Promise<void>;
}

/** Starts the server, then the BFF in front of it; closes the server again if the BFF cannot listen. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const host = options.host ?? "127.0.0.1";
  const { BERTH_LOG_LEVEL: logLevel = "info" } = process.env;
  const logDir = options.logDir ?? join(options.dataDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const destination = pino.destination({ dest: join(logDir, "server.log"), sync: false, mkdir: true });
  // pino flushes on exit, which throws if the file is not open yet (a busy port fails start-up fast).
  await once(destination, "ready");
  const logger = pino({ name: "berth", level: logLevel }, destination);
  // App URLs name the router's port, so it is chosen before the server starts.
  const routerPort = options.routerPort === 0 ? await freePort(host) : (options.routerPort ?? 9702);
  const server = await startServer({
    ...defaultServerOptions(options.dataDir),
    host,
    apiPort: options.apiPort ?? 9701,
    routerPort,
    router: "none",
    logger,
    shutdownGraceMs: options.fastShutdown ? 500 : 3000,
    stopAppsOnExit: options.stopAppsOnExit ?? false,
  });
  let bff: RunningBff;
  let router: RouterChild;
  try {
    const routerToken = await issueToken(server.ctx.store.db, { kind: "router", name: "quickstart router" });
    router = await startRouterProcess({
      serverUrl: server.apiUrl,
      host,
      port: routerPort,
      token: routerToken.secret,
      stateDir: join(options.dataDir, "router"),
      logDir,
    });
  } catch (e) {
    await server.close();
    throw e;
  }
  try {
    const webDistDir =
      options.webDistDir && existsSync(join(options.webDistDir, "index.html"))
        ? options.webDistDir
        : undefined;
    // Always a service token: providers added later in the dashboard need one, not only those from a file.
    const oidc = {
      providers: options.oidcProviders ?? [],
      serviceToken: await bffServiceToken(server.ctx.store.db, options.dataDir),
    };
    bff = await startBff({
      serverUrl: server.apiUrl,
      host,
      port: options.bffPort ?? 9700,
      webDistDir,
      oidc,
      logger: { level: logLevel, file: join(logDir, "bff.log") },
      shutdownGraceMs: options.fastShutdown ? 300 : 3000,
    });
  } catch (e) {
    await router.stop();
    await server.close();
    throw e;
  }
  const db = server.ctx.store.db;
  const bffPort = new URL(bff.url).port;
  // "localhost" rather than 127.0.0.1: the same name the app URLs use, so the browser sees one site.
  const dashboardUrl = host === "127.0.0.1" ? `http://localhost:${bffPort}` : bff.url;
  const urlOptions = () => ({ baseDomain: server.ctx.options.baseDomain, routerPort: server.routerPort });

  const loginToken: Stack["loginToken"] = async (o = {}) => {
    const issued = await issueToken(db, {
      kind: "login",
      role: o.role ?? "admin",
      name: o.name ?? "quickstart",
      ttlMs: o.ttlMs,
    });
    return { id: issued.info.id, secret: issued.secret };
  };

  /** A one-time admin login code, minted in-process (the bootstrap token is shown only on a first start). */
  const adminLoginCode = async (name: string) => {
    const minter = await loginToken({ name: "quickstart code minter", ttlMs: 60_000 });
    return (await createLoginCode(db, { role: "admin", name, createdBy: minter.id })).code;
  };

  let closing: Promise<void> | undefined;
  return {
    server,
    bff,
    dashboardUrl,
    apiUrl: server.apiUrl,
    routerPort: server.routerPort,
    router,
    loginToken,
    async loginLink() {
      return `${dashboardUrl}/auth/magic/${await adminLoginCode("you (quickstart)")}`;
    },
    cliLoginCode: () => adminLoginCode("you (quickstart CLI)"),
    appUrl: (project, app) => appUrl(project, app, urlOptions()),
    deploymentUrl: (project, app, seq) => deploymentUrl(project, app, seq, urlOptions()),
    close() {
      closing ??= (async () => {
        await bff.close().catch(() => {});
        await router.stop();
        await server.close();
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
      })();
      return closing;
    },
  };
}
