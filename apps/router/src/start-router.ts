import type { RouteTable } from "@berth/proto";
import type { RouterEngine } from "./engines/engine.js";
import { startHaproxyEngine } from "./engines/haproxy-engine.js";
import { startNodeEngine } from "./engines/node-engine.js";
import { loadRouteSnapshot, saveRouteSnapshot } from "./feed/route-snapshot.js";
import { createRouterClient } from "./feed/router-client.js";
import { watchRoutes } from "./feed/watch-routes.js";
import { reportTraffic } from "./traffic/report-traffic.js";
import type { TrafficDelta } from "./traffic/traffic-recorder.js";

/** Where route tables come from: a server's RouterService, or (embedded in the server) its feed directly. */
export type RouteSource =
  | {
      /** The server's API, e.g. http://127.0.0.1:9701; several (replicas) are tried in turn. */
      serverUrls: string[];
      /** A router-kind token (`berth token create --router`). */
      token: string;
      /** Names this router in the server's logs. */
      name?: string;
    }
  | {
      /** Calls back with the current table and each new one; returns the unsubscribe. */
      subscribe(onTable: (table: RouteTable) => void): () => void;
      /** Takes what the router served (about once a second while there is traffic). */
      onTraffic?(deltas: TrafficDelta[]): void;
    };

export interface RouterOptions {
  source: RouteSource;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Where the last table is kept between runs; none for a router embedded in the server. */
  snapshotPath?: string;
  /**
   * What serves the requests: "node" (Berth's proxy, the default) or "haproxy" (Debian's haproxy, driven without
   * reloads; its config, maps and runtime socket go to `haproxyDir`).
   */
  engine?: { use: "node" } | { use: "haproxy"; haproxyDir: string };
  /** One line per notable event (connected, lost, snapshot problems). */
  log?: (message: string) => void;
  /** How often traffic metrics go to the server (default 1000 ms; tests use less). */
  trafficIntervalMs?: number;
  /**
   * Count requests, 5xx and latency per deployment (default true): what progressive releases show and act on.
   * Off only to measure what it costs (bench section 9).
   */
  trafficMetrics?: boolean;
}

export interface RunningRouter {
  port: number;
  /** The table being served (undefined until one arrived or was loaded). */
  table(): RouteTable | undefined;
  /** Resolves once a table from the server is being served. */
  waitForServerTable(signal?: AbortSignal): Promise<RouteTable>;
  /** Stops; requests in flight get `graceMs` to finish. */
  close(graceMs?: number): Promise<void>;
}

/**
 * A router: serves app hosts from the route table the server streams (RouterService.WatchRoutes), keeps the
 * last table on disk, and goes on serving it while the server is away: it never needs the server to answer
 * a request.
 */
export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const log = options.log ?? (() => {});
  const stop = new AbortController();
  const spec = options.engine ?? { use: "node" };
  const engine: RouterEngine =
    spec.use === "haproxy"
      ? await startHaproxyEngine({ host: options.host, port: options.port, dataDir: spec.haproxyDir, log })
      : await startNodeEngine({
          host: options.host,
          port: options.port,
          trafficMetrics: options.trafficMetrics ?? true,
        });
  let current: RouteTable | undefined;
  let fromServer = false;
  const waiters = new Set<() => void>();

  const serve = (table: RouteTable) => {
    current = table;
    return engine.serve(table);
  };

  if (options.snapshotPath) {
    try {
      const table = await loadRouteSnapshot(options.snapshotPath);
      if (table) {
        await serve(table);
        log(`serving the saved route table (version ${table.version}) until the server sends one`);
      }
    } catch (err) {
      log(`ignoring the saved route table: ${(err as Error).message}; waiting for the server's`);
    }
  }

  // Snapshots are written one at a time, each time the newest table: a burst of changes costs one write.
  let saving: Promise<void> | undefined;
  let pending: RouteTable | undefined;
  const save = (table: RouteTable) => {
    const path = options.snapshotPath;
    if (!path) return;
    pending = table;
    saving ??= (async () => {
      while (pending) {
        const next = pending;
        pending = undefined;
        await saveRouteSnapshot(path, next).catch((err: Error) =>
          log(`cannot save the route table to ${path}: ${err.message}`),
        );
      }
      saving = undefined;
    })();
  };

  const onTable = (table: RouteTable) => {
    const served = serve(table);
    save(table);
    void served.then(() => {
      fromServer = true;
      for (const wake of [...waiters]) wake();
    });
  };
  const { source } = options;
  let watching: Promise<void>;
  let sendTraffic: ((deltas: TrafficDelta[]) => Promise<void> | void) | undefined;
  if ("subscribe" in source) {
    const unsubscribe = source.subscribe(onTable);
    sendTraffic = source.onTraffic;
    watching = new Promise((done) =>
      stop.signal.addEventListener("abort", () => {
        unsubscribe();
        done();
      }),
    );
  } else {
    const { client, transport } = createRouterClient(source.serverUrls, source.token, (from, to, reason) =>
      log(`the server at ${from} did not answer (${reason}); trying ${to}`),
    );
    const routerName = source.name ?? "";
    sendTraffic = async (deltas) => {
      const deployments = deltas.map((d) => ({
        deploymentId: d.deploymentId,
        requests: BigInt(d.requests),
        errors5xx: BigInt(d.errors5xx),
        latencyBuckets: d.latencyBuckets.map(BigInt),
      }));
      await client.reportTraffic({ routerName, deployments }, { signal: stop.signal });
    };
    watching = watchRoutes({
      client,
      routerName,
      signal: stop.signal,
      onTable,
      onState(state) {
        if (state.connected) log(`following the route table of ${transport.address}`);
        else
          log(`lost the server (${state.error}); serving the last table, retrying in ${state.retryInMs} ms`);
      },
    });
  }

  const drain = engine.drainTraffic;
  const reporting =
    drain && sendTraffic
      ? reportTraffic({
          drain,
          send: sendTraffic,
          intervalMs: options.trafficIntervalMs,
          signal: stop.signal,
          log,
        })
      : Promise.resolve();

  return {
    port: engine.port,
    table: () => current,
    waitForServerTable(signal) {
      return new Promise((ok, fail) => {
        const check = () => {
          if (fromServer && current) {
            waiters.delete(check);
            ok(current);
          }
        };
        signal?.addEventListener("abort", () => {
          waiters.delete(check);
          fail(signal.reason);
        });
        waiters.add(check);
        check();
      });
    },
    async close(graceMs) {
      stop.abort();
      await engine.close(graceMs);
      await watching;
      await reporting;
      await saving;
    },
  };
}
