// Scale on one machine: one deployment with count = 50, time until all are healthy, then router throughput and how
// evenly requests spread across the instances.
import { deployBenchApp } from "./lib/deploy-bench-app.js";
import { httpGet } from "./lib/http-get.js";
import { startBenchStack } from "./lib/stack.js";
import { runWrk, type WrkResult } from "./lib/wrk.js";

export interface ScaleResult {
  method: string;
  requestedCount: number;
  count: number;
  healthy: number;
  upTotalMs: number;
  deployPhaseMs: number;
  deployStepsMs: Record<string, number>;
  router: WrkResult;
  spread: { requests: number; instancesHit: number; minPerInstance: number; maxPerInstance: number };
}

/** Runs the scale figures (`quick`: 8 instances, a 2 s load). */
export async function benchScale(options: { quick: boolean }): Promise<ScaleResult> {
  const count = options.quick ? 8 : 50;
  const stack = await startBenchStack();
  try {
    const d = await deployBenchApp(stack, count);
    const seconds = options.quick ? 2 : 5;
    await runWrk({ port: stack.routerPort, host: d.appHost, connections: 32, seconds: 1 });
    const router = await runWrk({ port: stack.routerPort, host: d.appHost, connections: 32, seconds });
    const hits = new Map<string, number>();
    const requests = count * 50;
    for (let i = 0; i < requests; i += 16) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(16, requests - i) }, () =>
          httpGet(`http://${d.appHost}/`).then((r) => (JSON.parse(r.body) as { instance: string }).instance),
        ),
      );
      for (const id of batch) hits.set(id, (hits.get(id) ?? 0) + 1);
    }
    const per = [...hits.values()];
    return {
      method:
        `\`berth up\` of bench/apps/trivial with count = ${count} (HTTP health check every 1 s); time = the CLI's deploy ` +
        "phase (deploy job queued → every instance healthy) and the job's steps. Then wrk -t1 -c32 through the URL " +
        `router for ${seconds} s, and ${requests.toLocaleString("en")} GETs (16 at a time, keep-alive) counting which instance answered.`,
      requestedCount: 50,
      count,
      healthy: d.healthy,
      upTotalMs: Math.round(d.up.wallMs),
      deployPhaseMs: d.up.timings.find((t) => t.phase === "deploy")?.ms ?? 0,
      deployStepsMs: d.deployStepsMs,
      router,
      spread: {
        requests,
        instancesHit: hits.size,
        minPerInstance: Math.min(...per),
        maxPerInstance: Math.max(...per),
      },
    };
  } finally {
    await stack.close();
  }
}
