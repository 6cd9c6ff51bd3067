// Proxies: requests/s and proxy CPU per request for Berth's Node router, the native data plane (haproxy through
// apps/router's driver) and nginx with a hand-written config, all in front of the same static nginx upstream,
// driven by wrk in interleaved rounds in one run.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { RouteTableSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { startHaproxyDataPlane } from "../../apps/router/src/haproxy/start-haproxy-data-plane.js";
import { startNginx, startStaticNginx } from "./lib/nginx-proxy.js";
import { cpuMeter } from "./lib/proc-cpu.js";
import { repoRoot } from "./lib/stack.js";
import { median, ratio, round } from "./lib/stats.js";
import { runWrk, type WrkResult } from "./lib/wrk.js";

export type ProxyTarget = "direct" | "node" | "nodeBare" | "plainNode" | "haproxy" | "nginx";

export interface ProxySample extends WrkResult {
  /** CPU of the proxy's processes (the upstream's for `direct`) per request, in µs. */
  cpuUsPerRequest: number;
}

export interface ProxiesResult {
  method: string;
  connections: number;
  seconds: number;
  rounds: number;
  targets: Record<ProxyTarget, ProxySample>;
  samples: Record<ProxyTarget, ProxySample[]>;
  ratios: {
    haproxyToNginx: number;
    nodeToNginx: number;
    haproxyCpuToNginx: number;
    nodeCpuToNginx: number;
    /** Berth's Node router against the plain Node proxy, same run. */
    nodeToPlainNode: number;
    /** requests/s with per-deployment metrics on, against the same router with them off. */
    metricsOnToOff: number;
  };
}

const host = "web.shop.bench.test";

/** A Node proxy child (`script` beside this file) in front of the upstream; it prints its port. */
async function startNodeChild(
  script: string,
  args: string[],
): Promise<{ port: number; pid: number; close(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL(script, import.meta.url)), ...args],
    { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) =>
      resolve(JSON.parse(line).port as number),
    );
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} before listening`)));
  });
  return {
    port,
    pid: child.pid!,
    async close() {
      child.stdin!.end();
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Runs the data plane figures (`quick`: one short round). */
export async function benchProxies(options: { quick: boolean }): Promise<ProxiesResult> {
  const connections = 32;
  const seconds = options.quick ? 2 : 5;
  const rounds = options.quick ? 1 : 5;
  const closers: (() => Promise<void>)[] = [];
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-haproxy-"));
  try {
    const upstream = await startStaticNginx();
    closers.push(upstream.close);
    const node = await startNodeChild("proxies-node-router.ts", [String(upstream.port)]);
    closers.push(node.close);
    const nodeBare = await startNodeChild("proxies-node-router.ts", [String(upstream.port), "bare"]);
    closers.push(nodeBare.close);
    const plainNode = await startNodeChild("proxies-plain-node.ts", [String(upstream.port)]);
    closers.push(plainNode.close);
    // One worker thread, like nginx's one worker: the comparison is per core, not "who takes both cores".
    const haproxy = await startHaproxyDataPlane({ host: "127.0.0.1", port: 0, dataDir: dir, threads: 1 });
    closers.push(haproxy.close);
    await haproxy.apply(
      create(RouteTableSchema, {
        version: 1n,
        baseDomain: "bench.test",
        apps: [{ project: "shop", app: "web", targets: [{ deploymentId: "d1", weight: 100 }] }],
        deployments: [
          {
            id: "d1",
            project: "shop",
            app: "web",
            seq: 1,
            endpoints: [{ instanceId: "i1", host: "127.0.0.1", port: upstream.port, healthy: true }],
          },
        ],
      }),
    );
    const nginx = await startNginx([upstream.port]);
    closers.push(nginx.close);
    const targets: Record<ProxyTarget, { port: number; pid: number }> = {
      direct: upstream,
      node,
      nodeBare,
      plainNode,
      haproxy,
      nginx,
    };
    const samples: Record<ProxyTarget, ProxySample[]> = {
      direct: [],
      node: [],
      nodeBare: [],
      plainNode: [],
      haproxy: [],
      nginx: [],
    };
    const measure = async (t: { port: number; pid: number }, secs: number): Promise<ProxySample> => {
      const meter = cpuMeter(t.pid);
      const r = await runWrk({ port: t.port, host, connections, seconds: secs });
      const cpu = meter.stop();
      const requests = r.requestsPerSecond * secs;
      return {
        ...r,
        cpuUsPerRequest: requests > 0 ? round(((cpu.self + cpu.children) * 1000) / requests, 1) : Number.NaN,
      };
    };
    // Warm-up: JIT, connection pools.
    for (const t of Object.values(targets)) await measure(t, 1);
    for (let r = 0; r < rounds; r++)
      for (const [name, t] of Object.entries(targets) as [ProxyTarget, { port: number; pid: number }][])
        samples[name].push(await measure(t, seconds));
    const agg = (xs: ProxySample[]): ProxySample => ({
      requestsPerSecond: Math.round(median(xs.map((x) => x.requestsPerSecond))),
      p50Ms: round(median(xs.map((x) => x.p50Ms))),
      p99Ms: round(median(xs.map((x) => x.p99Ms))),
      errors: xs.reduce((a, x) => a + x.errors, 0),
      cpuUsPerRequest: round(median(xs.map((x) => x.cpuUsPerRequest)), 1),
    });
    const out = {
      direct: agg(samples.direct),
      node: agg(samples.node),
      nodeBare: agg(samples.nodeBare),
      plainNode: agg(samples.plainNode),
      haproxy: agg(samples.haproxy),
      nginx: agg(samples.nginx),
    };
    return {
      method:
        `wrk -t1 -c${connections} -d${seconds}s --latency with Host: ${host}, ${rounds} interleaved round(s) (direct, Node, ` +
        "Node without metrics, plain Node, haproxy, nginx, then again) after a 1 s warm-up per target; median per target. CPU per request: utime + " +
        "stime of the proxy's processes (master and worker) from /proc/<pid>/stat before and after each wrk run, " +
        "divided by the requests it served. Upstream: nginx answering `return 200` itself (one worker, keep-alive " +
        "never recycled), so no app is the bottleneck; direct = wrk straight at it. Node = Berth's router " +
        "(apps/router, the code of `berth router run`) in its own process with a fixed route, per-deployment " +
        "traffic metrics on (the default) and off; plain Node = bench/src/proxies-plain-node.ts (node:http and a " +
        "keep-alive Agent, no routing, retries or metrics); haproxy = Debian's haproxy " +
        "2.6 started and fed a route table by apps/router/src/haproxy (one thread, TCP checks, retries on); " +
        "nginx = one worker, upstream keepalive 64, proxy_http_version 1.1, X-Forwarded-For/-Host/-Proto set as Berth's routers set them, access_log off. Load generator, " +
        "proxy and upstream share the 2 cores, loopback only.",
      connections,
      seconds,
      rounds,
      targets: out,
      samples,
      ratios: {
        haproxyToNginx: ratio(out.haproxy.requestsPerSecond, out.nginx.requestsPerSecond),
        nodeToNginx: ratio(out.node.requestsPerSecond, out.nginx.requestsPerSecond),
        haproxyCpuToNginx: ratio(out.haproxy.cpuUsPerRequest, out.nginx.cpuUsPerRequest),
        nodeCpuToNginx: ratio(out.node.cpuUsPerRequest, out.nginx.cpuUsPerRequest),
        nodeToPlainNode: ratio(out.node.requestsPerSecond, out.plainNode.requestsPerSecond),
        metricsOnToOff: ratio(out.node.requestsPerSecond, out.nodeBare.requestsPerSecond),
      },
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}
