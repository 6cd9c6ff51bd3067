// Data plane under change: a steady 200 requests/s against the trivial app's URL (2 instances) through the
// stack's router process while a release, a rollback and three config changes happen — failed requests counted —
// and the time until the app URL answers again after the router process is SIGKILLed and its supervisor starts
// it again (the quickstart's supervisor, as systemd's Restart=always would).
import { readdirSync, readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ConfigScope, ConfigService } from "@berth/proto";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { deployBenchApp } from "./lib/deploy-bench-app.js";
import { type BenchStack, startBenchStack } from "./lib/stack.js";
import { median, round } from "./lib/stats.js";

type Change = "release" | "rollback" | "config";

export interface DataPlaneResult {
  method: string;
  ratePerSecond: number;
  instances: number;
  /** Per change: requests sent in its window and how many failed (anything but a 200), with the first few. */
  changes: Record<Change, { requests: number; failed: number; examples: string[]; windowSeconds: number }>;
  /** ms from SIGKILL of the router to the first 200 through the restarted one, per run. */
  routerRecoveryMs: number[];
  routerRecoveryMedianMs: number;
}

/** The router process of the bench stack: its child running `berth router run`. */
function routerPidOf(stackPid: number): number {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== stackPid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").includes("router run"))
        return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no router process under the bench stack (pid ${stackPid})`);
}

/** One GET; resolves with the status, or a word for the failure. */
function get(port: number, host: string, agent: Agent | false): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", headers: { host }, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", (e) => resolve(e.message));
    });
    req.setTimeout(5_000, () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
    req.end();
  });
}

/** A steady request rate (one request every 1000/rate ms, not waiting for answers) until stopped. */
function steadyLoad(port: number, host: string, rate: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  let requests = 0;
  const failures: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const timer = setInterval(() => {
    // Catch up to where the schedule says we should be (timers are late under load, requests must not be).
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (requests < due) {
      requests++;
      const p = get(port, host, agent).then((status) => {
        if (status !== 200) failures.push(`${round((performance.now() - started) / 1000, 2)} s: ${status}`);
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
  }, 5);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      agent.destroy();
      return { requests, failed: failures.length, examples: failures.slice(0, 5) };
    },
  };
}

export async function benchDataPlane(options: { quick: boolean }): Promise<DataPlaneResult> {
  const rate = 200;
  const windowSeconds = options.quick ? 4 : 10;
  const recoveryRuns = options.quick ? 2 : 5;
  const stack: BenchStack = await startBenchStack();
  try {
    const v1 = await deployBenchApp(stack, 2);
    const v2 = await deployBenchApp(stack, 2); // `berth up` releases it
    const app = { project: "bench", app: "trivial" };
    const host = v1.appHost;
    const auth: Interceptor = (next) => (req) => {
      req.header.set("authorization", `Bearer ${stack.token}`);
      return next(req);
    };
    const config = createClient(
      ConfigService,
      createGrpcTransport({ baseUrl: stack.apiUrl, interceptors: [auth] }),
    );

    /** Runs `change` halfway through a `windowSeconds` window of steady load. */
    const underLoad = async (change: () => Promise<void>) => {
      const load = steadyLoad(stack.routerPort, host, rate);
      await sleep((windowSeconds * 1000) / 2);
      await change();
      await sleep((windowSeconds * 1000) / 2);
      return { ...(await load.stop()), windowSeconds };
    };
    const changes = {} as DataPlaneResult["changes"];
    changes.rollback = await underLoad(async () => {
      await stack.clients.releases.rollback({ app, reason: "bench" });
    });
    changes.release = await underLoad(async () => {
      await stack.clients.releases.release({ app, deploymentId: v2.up.deploymentId ?? "", reason: "bench" });
    });
    changes.config = await underLoad(async () => {
      let revision = 0;
      for (let n = 1; n <= 3; n++)
        revision =
          (
            await config.setConfigVars({
              scope: ConfigScope.APP,
              project: app.project,
              app: app.app,
              set: [{ name: "BENCH_N", value: String(n) }],
            })
          ).revision?.revision ?? 0;
      // The window ends after the rollout did: every instance of the released deployment runs the last revision.
      const deploymentId = v2.up.deploymentId ?? "";
      const deadline = performance.now() + 60_000;
      for (;;) {
        const { instances } = await stack.clients.deployments.listInstances({ deploymentId });
        if (instances.length > 0 && instances.every((i) => i.configRevision >= revision)) break;
        if (performance.now() > deadline)
          throw new Error(`the config rollout to revision ${revision} did not finish in 60 s`);
        await sleep(50);
      }
    });

    const routerRecoveryMs: number[] = [];
    for (let run = 0; run < recoveryRuns; run++) {
      const pid = routerPidOf(stack.pid);
      const killedAt = performance.now();
      process.kill(pid, "SIGKILL");
      // A fresh connection per probe: the killed router's keep-alive connections are gone with it.
      while ((await get(stack.routerPort, host, false)) !== 200) await sleep(5);
      routerRecoveryMs.push(round(performance.now() - killedAt, 1));
      await sleep(500);
    }
    return {
      method:
        `bench/apps/trivial with 2 instances, released; a steady ${rate} requests/s (one GET every ${1000 / rate} ms, ` +
        "not waiting for answers, keep-alive, up to 32 connections) against its app URL through the bench stack's " +
        `router process for ${windowSeconds} s per change plus the time the change takes, the change made halfway: a rollback ` +
        "(ReleaseService.Rollback), a release (ReleaseService.Release of v2), and three config changes in a row " +
        "(ConfigService.SetConfigVars; the window goes on until both instances run the last revision). A failure is any answer but 200 or any " +
        `request error. Router recovery: SIGKILL of the router process, then a GET every 5 ms on a new connection ` +
        `until one answers 200 through the router its supervisor started again (${recoveryRuns} runs).`,
      ratePerSecond: rate,
      instances: 2,
      changes,
      routerRecoveryMs,
      routerRecoveryMedianMs: round(median(routerRecoveryMs), 1),
    };
  } finally {
    await stack.close();
  }
}
