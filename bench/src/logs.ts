// Log latency and throughput: bench/apps/logger (deployed with `berth up`, under the real entrypoint) writes
// timestamped lines; followers of GetLogStream — over gRPC like the CLI, and over Connect through the BFF like the
// dashboard — timestamp each line on arrival. Then rising write rates until lines are skipped, the stack's memory
// while the app floods, and 100 concurrent followers of the deployment.
import { LogService } from "@berth/proto";
import type { Client } from "@connectrpc/connect";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { signIn } from "./lib/bff-tab.js";
import { deployBenchApp } from "./lib/deploy-bench-app.js";
import { httpGet } from "./lib/http-get.js";
import { cpuMeter } from "./lib/proc-cpu.js";
import { type BenchStack, startBenchStack } from "./lib/stack.js";
import { nowMs, type Percentiles, percentiles, round, sleep } from "./lib/stats.js";

type LogClient = Client<typeof LogService>;

interface Follower {
  /** Arrival latencies (ms) of lines with this tag. */
  latencies(tag: string): number[];
  received(tag: string): number;
  /** Whether `n` "end" lines of this tag arrived (one per writing instance). */
  sawEnd(tag: string, n?: number): boolean;
  skipped(): number;
  stop(): void;
  done: Promise<void>;
}

/** Follows the deployment's logs from now on, recording per tag how many lines arrived and how late. */
function follow(client: LogClient, deploymentId: string): Follower {
  const ac = new AbortController();
  const lat = new Map<string, number[]>();
  const count = new Map<string, number>();
  const ends = new Map<string, number>();
  let skipped = 0;
  const done = (async () => {
    try {
      for await (const res of client.getLogStream(
        { deploymentId, follow: true, tailLines: 0 },
        { signal: ac.signal },
      )) {
        const at = nowMs();
        // Lines lost either way: the reader fell behind (skipped) or the entrypoint's buffer overflowed (dropped).
        skipped += Number(res.skipped) + Number(res.dropped);
        for (const line of res.lines) {
          const text = Buffer.from(line.data).toString();
          const m = /^(\S+) (\d+|end)(?: t=([\d.]+))?/.exec(text);
          if (!m) continue;
          const tag = m[1]!;
          if (m[2] === "end") {
            ends.set(tag, (ends.get(tag) ?? 0) + 1);
            continue;
          }
          count.set(tag, (count.get(tag) ?? 0) + 1);
          if (m[3]) {
            const xs = lat.get(tag) ?? [];
            if (xs.length === 0) lat.set(tag, xs);
            xs.push(at - Number(m[3]));
          }
        }
      }
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    }
  })();
  done.catch(() => {});
  return {
    latencies: (tag) => lat.get(tag) ?? [],
    received: (tag) => count.get(tag) ?? 0,
    sawEnd: (tag, n = 1) => (ends.get(tag) ?? 0) >= n,
    skipped: () => skipped,
    stop: () => ac.abort(),
    done,
  };
}

async function untilEnd(
  followers: Follower[],
  tag: string,
  timeoutMs: number,
  writers = 1,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (followers.every((f) => f.sawEnd(tag, writers))) return true;
    await sleep(50);
  }
  return false;
}

export interface RateStage {
  requestedLinesPerSecond: number;
  written: number;
  received: number;
  skipped: number;
  deliveredLinesPerSecond: number;
  latency: Percentiles;
  /** CPU µs per delivered line: the stack process (server + BFF) and its descendants (entrypoint + app). */
  cpuUsPerLine: { stack: number; entrypointAndApp: number };
}

/** Write → gRPC follower latency at 10 lines/s per instance with `instances` instances writing at once. */
export interface InstancesLatency {
  instances: number;
  seconds: number;
  latency: Percentiles;
  allReceived: boolean;
}

export interface LogsResult {
  method: string;
  at10LinesPerSecond: { grpc: Percentiles; bff: Percentiles };
  /** The same figure with 1, 2 and 4 instances (separate deployments of the logger). */
  byInstances?: InstancesLatency[];
  stageSeconds?: number;
  stages: RateStage[];
  sustainedLinesPerSecond: number;
  flood: {
    seconds: number;
    requestedLinesPerSecond: number;
    rssBeforeMb: number;
    rssPeakMb: number;
    rssAfterMb: number;
    received: number;
    skipped: number;
  };
  followers100: {
    followers: number;
    linesEach: number;
    allReceived: boolean;
    latency: Percentiles;
    rssDuringMb: number;
  };
}

function grpcClient(stack: BenchStack): LogClient {
  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${stack.token}`);
    return next(req);
  };
  // A transport per follower group: separate HTTP/2 connections, like separate CLI processes.
  return createClient(LogService, createGrpcTransport({ baseUrl: stack.apiUrl, interceptors: [auth] }));
}

/** Runs the log figures (`quick`: shorter phases, fewer rate steps, 20 followers). */
export async function benchLogs(options: { quick: boolean }): Promise<LogsResult> {
  const q = options.quick;
  const stack = await startBenchStack();
  try {
    const d = await deployBenchApp(stack, 1, "logger");
    const appPort = d.instancePorts[0];
    const deploymentId = d.up.deploymentId ?? "";
    const emit = (tag: string, rate: number, seconds: number) =>
      httpGet(`http://127.0.0.1:${appPort}/emit?rate=${rate}&seconds=${seconds}&tag=${tag}`);

    // 1. Latency at 10 lines/s, CLI-like (gRPC) and dashboard-like (Connect through the BFF) at the same time.
    const tab = await signIn(stack.dashboardUrl, stack.token);
    const grpc = follow(stack.clients.logs, deploymentId);
    const bff = follow(tab.client(LogService), deploymentId);
    await sleep(500);
    const slowSeconds = q ? 5 : 20;
    await emit("slow", 10, slowSeconds);
    await untilEnd([grpc, bff], "slow", slowSeconds * 1000 + 10_000);
    const at10 = {
      grpc: percentiles(grpc.latencies("slow").slice(5)),
      bff: percentiles(bff.latencies("slow").slice(5)),
    };
    bff.stop();

    // 2. Rising rates until the follower is told lines were skipped (or not all arrive).
    // Steps of 10 s (2 s in a quick run), few and coarse, so the section's time stays bounded.
    const rates = q ? [1000, 20_000] : [2000, 20_000, 50_000];
    const stageSeconds = q ? 2 : 10;
    const stages: RateStage[] = [];
    let sustained = 0;
    for (const rate of rates) {
      const tag = `r${rate}`;
      const skippedBefore = grpc.skipped();
      const t0 = nowMs();
      const cpu = cpuMeter(stack.pid);
      await emit(tag, rate, stageSeconds);
      const ended = await untilEnd([grpc], tag, stageSeconds * 1000 + 20_000);
      const written = rate * stageSeconds;
      const used = cpu.stop();
      const perLine = (cpuMs: number) => round((cpuMs * 1000) / Math.max(1, grpc.received(tag)), 1);
      const stage: RateStage = {
        requestedLinesPerSecond: rate,
        written,
        received: grpc.received(tag),
        skipped: grpc.skipped() - skippedBefore,
        deliveredLinesPerSecond: Math.round(grpc.received(tag) / ((nowMs() - t0) / 1000)),
        latency: percentiles(grpc.latencies(tag)),
        cpuUsPerLine: { stack: perLine(used.self), entrypointAndApp: perLine(used.children) },
      };
      stages.push(stage);
      if (ended && stage.skipped === 0 && stage.received === written) sustained = rate;
      else break;
    }

    // 3. Memory while the app floods for a while (the window and the buffers must stay bounded).
    const floodSeconds = q ? 3 : 10;
    const floodRate = 200_000;
    const rssBeforeMb = stack.rssMb();
    let rssPeakMb = rssBeforeMb;
    const sampler = setInterval(() => {
      rssPeakMb = Math.max(rssPeakMb, stack.rssMb());
    }, 100);
    const floodSkippedBefore = grpc.skipped();
    await emit("flood", floodRate, floodSeconds);
    await untilEnd([grpc], "flood", floodSeconds * 1000 + 30_000);
    await sleep(1000);
    clearInterval(sampler);
    const flood = {
      seconds: floodSeconds,
      requestedLinesPerSecond: floodRate,
      rssBeforeMb,
      rssPeakMb,
      rssAfterMb: stack.rssMb(),
      received: grpc.received("flood"),
      skipped: grpc.skipped() - floodSkippedBefore,
    };
    grpc.stop();

    // 4. 100 concurrent followers (10 connections × 10 streams) at 10 lines/s.
    const n = q ? 20 : 100;
    const clients = Array.from({ length: 10 }, () => grpcClient(stack));
    const many = Array.from({ length: n }, (_, i) => follow(clients[i % clients.length]!, deploymentId));
    await sleep(1000);
    const manySeconds = q ? 3 : 10;
    let rssDuringMb = 0;
    const s2 = setInterval(() => {
      rssDuringMb = Math.max(rssDuringMb, stack.rssMb());
    }, 200);
    await emit("many", 10, manySeconds);
    const allEnded = await untilEnd(many, "many", manySeconds * 1000 + 20_000);
    clearInterval(s2);
    for (const f of many) f.stop();
    const linesEach = 10 * manySeconds;

    // 5. Latency at 10 lines/s per instance with 1, 2 and 4 instances: a deployment each, followed as a whole.
    const byInstances: InstancesLatency[] = [];
    const perInstanceSeconds = q ? 3 : 10;
    for (const count of [1, 2, 4]) {
      // The first deployment already has one instance (an unchanged tree would not be redeployed).
      const dn = count === 1 ? d : await deployBenchApp(stack, count, "logger");
      const follower = follow(stack.clients.logs, dn.up.deploymentId ?? "");
      await sleep(500);
      const tag = `i${count}`;
      await Promise.all(
        dn.instancePorts.map((port) =>
          httpGet(`http://127.0.0.1:${port}/emit?rate=10&seconds=${perInstanceSeconds}&tag=${tag}`),
        ),
      );
      const ended = await untilEnd(
        [follower],
        tag,
        perInstanceSeconds * 1000 + 20_000,
        dn.instancePorts.length,
      );
      follower.stop();
      byInstances.push({
        instances: dn.instancePorts.length,
        seconds: perInstanceSeconds,
        latency: percentiles(follower.latencies(tag)),
        allReceived: ended && follower.received(tag) === 10 * perInstanceSeconds * dn.instancePorts.length,
      });
    }
    return {
      method:
        "bench/apps/logger deployed with `berth up` (one instance under the real entrypoint, process platform) writes " +
        'lines "<tag> <n> t=<write time>" plus 60 bytes of filler in 10 ms ticks; followers call LogService.GetLogStream ' +
        "(follow, from now) and subtract the write time on arrival (same machine clock). grpc = @connectrpc/connect-node " +
        "gRPC client like the CLI; bff = Connect protocol over HTTP/1.1 through the BFF with a session cookie like the " +
        `dashboard. Latency at 10 lines/s over ${slowSeconds} s. Rate steps of ${stageSeconds} s each; sustained = the ` +
        "highest step with every line delivered and nothing skipped; CPU per line = utime + stime from /proc of the " +
        "stack process (server + BFF) and, separately, of its descendants (the entrypoint and the app) over the step, " +
        "divided by the lines delivered (it includes the processes' idle work over the step, which dominates at low " +
        "rates). By instances: a deployment of the logger with 1, 2 and 4 instances, each " +
        `writing 10 lines/s for ${perInstanceSeconds} s, one gRPC follower of the deployment (one run each). Memory: VmRSS of the stack process (server + BFF) ` +
        `sampled every 100 ms while the app writes ${floodRate.toLocaleString("en")} lines/s for ${floodSeconds} s. ` +
        `${n} followers: 10 HTTP/2 connections × ${n / 10} streams, ${manySeconds} s at 10 lines/s.`,
      at10LinesPerSecond: at10,
      byInstances,
      stageSeconds,
      stages,
      sustainedLinesPerSecond: sustained,
      flood,
      followers100: {
        followers: n,
        linesEach,
        allReceived: allEnded && many.every((f) => f.received("many") === linesEach),
        latency: percentiles(many.flatMap((f) => f.latencies("many"))),
        rssDuringMb,
      },
    };
  } finally {
    await stack.close();
  }
}
