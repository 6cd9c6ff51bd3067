// Router: requests/s and p99 to the trivial app directly, through Berth's URL router, and through nginx (one
// worker, upstream keep-alive) — same instance, same load generator (wrk), interleaved rounds in one run.

import { deployBenchApp } from "./lib/deploy-bench-app.js";
import { startNginx } from "./lib/nginx-proxy.js";
import { startBenchStack } from "./lib/stack.js";
import { median, ratio, round } from "./lib/stats.js";
import { runWrk, type WrkResult } from "./lib/wrk.js";

type Target = "direct" | "router" | "nginx";

export interface RouterResult {
  method: string;
  connections: number;
  seconds: number;
  rounds: number;
  targets: Record<Target, { requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number }>;
  samples: Record<Target, WrkResult[]>;
  ratios: { routerToDirect: number; nginxToDirect: number; routerToNginx: number };
}

/** Runs the router figures (`quick`: one short round). */
export async function benchRouter(options: { quick: boolean }): Promise<RouterResult> {
  const connections = 32;
  // More, shorter rounds: the machine is shared, and the median of five rides out a busy moment better.
  const seconds = options.quick ? 2 : 3;
  const rounds = options.quick ? 1 : 5;
  const stack = await startBenchStack();
  try {
    const d = await deployBenchApp(stack, 1);
    const appPort = d.instancePorts[0];
    if (!appPort) throw new Error("the trivial app has no instance port");
    const nginx = await startNginx([appPort]);
    try {
      const targets: Record<Target, { port: number; host?: string }> = {
        direct: { port: appPort },
        router: { port: stack.routerPort, host: d.appHost },
        nginx: { port: nginx.port },
      };
      const samples: Record<Target, WrkResult[]> = { direct: [], router: [], nginx: [] };
      // Warm-up: JIT, connection pools.
      for (const t of Object.values(targets)) await runWrk({ ...t, connections, seconds: 1 });
      for (let r = 0; r < rounds; r++)
        for (const [name, t] of Object.entries(targets) as [Target, { port: number; host?: string }][])
          samples[name].push(await runWrk({ ...t, connections, seconds }));
      const agg = (xs: WrkResult[]) => ({
        requestsPerSecond: Math.round(median(xs.map((x) => x.requestsPerSecond))),
        p50Ms: round(median(xs.map((x) => x.p50Ms))),
        p99Ms: round(median(xs.map((x) => x.p99Ms))),
        errors: xs.reduce((a, x) => a + x.errors, 0),
      });
      const out = { direct: agg(samples.direct), router: agg(samples.router), nginx: agg(samples.nginx) };
      return {
        method:
          `wrk -t1 -c${connections} -d${seconds}s --latency, ${rounds} interleaved round(s) after a 1 s warm-up per ` +
          "target, median per target. The app: bench/apps/trivial (Node http, ~30-byte JSON body, keep-alive, no " +
          "per-request logging), one instance deployed by `berth up` on the process platform. router = Berth's URL " +
          "router (in the server process) with the app's Host header; nginx = /usr/sbin/nginx, worker_processes 1, " +
          "upstream keepalive 64, proxy_http_version 1.1, X-Forwarded-For/-Host/-Proto set as Berth's routers set them, access_log off. Load generator, proxy and app share the 2 cores.",
        connections,
        seconds,
        rounds,
        targets: out,
        samples,
        ratios: {
          routerToDirect: ratio(out.router.requestsPerSecond, out.direct.requestsPerSecond),
          nginxToDirect: ratio(out.nginx.requestsPerSecond, out.direct.requestsPerSecond),
          routerToNginx: ratio(out.router.requestsPerSecond, out.nginx.requestsPerSecond),
        },
      };
    } finally {
      await nginx.close();
    }
  } finally {
    await stack.close();
  }
}
