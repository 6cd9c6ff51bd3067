import type { NotificationDispatchOptions } from "./notifications/notification-dispatcher.js";
import type { ReplicaTiming } from "./replicas/replica-registry.js";
import { defaultAppUser } from "./sandbox/app-user.js";
import { defaultAppsDir } from "./sandbox/default-apps-dir.js";

/** Everything a server instance is configured with (flags and env in `berth server run`). */
export interface ServerOptions {
  /** Where the SQLite store (unless `store` names PostgreSQL), artifacts and logs live: private to the server (0700). */
  dataDir: string;
  /** Where deployments are unpacked and apps run: outside the data dir, so apps cannot reach it. */
  appsDir: string;
  /** The user apps and exec'd commands run as when the server runs as root (created if it is `berth-app`). */
  appUser: string;
  /** Host the API and router listen on. */
  host: string;
  /** The berth.v1 API port (gRPC, gRPC-Web and Connect on one port). 0 picks a free one. */
  apiPort: number;
  /**
   * The URL router port: where the embedded router listens (0 picks a free one), or with `router: "none"`
   * the port app URLs name (separate `berth router run` processes listen there).
   */
  routerPort: number;
  /** "embedded": a router inside the server (the smallest setup); "none": routers run as their own processes. */
  router: "embedded" | "none";
  /** Base domain of per-deployment URLs: `<app>--v<N>.<project>.<baseDomain>`. */
  baseDomain: string;
  /** Run the built-in runner inside the server. */
  builtinRunner: boolean;
  /** Disk bound of stored log lines (logs.db); the largest instances lose their oldest lines first. */
  logMaxBytes: number;
  /**
   * Stop every app instance when the server stops (development, tests). Off by default: apps keep serving
   * through a server stop, restart or crash, and the next server re-adopts them; only destroy stops them.
   */
  stopAppsOnExit: boolean;
  /**
   * How long an app replaced by a config change keeps serving (in-flight requests finish) after its
   * replacement is ready, before it gets SIGTERM. Passed to entrypoints as BERTH_DRAIN_MS.
   */
  drainMs: number;
  /**
   * The catalog's database: a postgres:// URL (BERTH_STORE, `--store`), or unset for the embedded SQLite file
   * `<dataDir>/berth.db`. Artifacts and logs stay in the data dir either way.
   */
  store?: string;
  /** Overrides of the replica heartbeat (tests shorten it); defaults in replicas/replica-timing.ts. */
  replicaTiming?: Partial<ReplicaTiming>;
  /** Overrides of how notifications are sent (tests shorten the backoff and polling); defaults in notification-dispatcher.ts. */
  notifications?: Partial<NotificationDispatchOptions>;
}

/** Defaults: ports 9701/9702, *.localhost URLs, apps in `<data-dir>-apps` (see defaultAppsDir) as `berth-app`. */
export function defaultServerOptions(dataDir: string): ServerOptions {
  return {
    dataDir,
    appsDir: defaultAppsDir(dataDir),
    appUser: defaultAppUser,
    host: "127.0.0.1",
    apiPort: 9701,
    routerPort: 9702,
    router: "embedded",
    baseDomain: "localhost",
    builtinRunner: true,
    logMaxBytes: 512 * 1024 * 1024,
    stopAppsOnExit: false,
    drainMs: 2_000,
  };
}

/** BERTH_DRAIN_MS as milliseconds (unset: `fallback`); throws a message naming the variable when it is no number. */
export function parseDrainMs(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 600_000)
    throw new Error(`BERTH_DRAIN_MS must be a whole number of milliseconds 0-600000, got "${raw}"`);
  return ms;
}
