// History at scale: one app with 100,000 deployments. Seeds them through the store layer in one transaction, then
// times the listings the dashboard and CLI use — server-side (the store function), through the real gRPC API, and
// end to end through the BFF (Connect over HTTP/1.1 with a session, as the dashboard calls it). `benchHistory` is
// run by run-all.ts; run directly, this file writes the medians to bench/results/history.json.
//
//   npx tsx bench/src/history-at-scale.ts [--count 100000] [--runs 25]
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DeploymentService, DeploymentStatus, HistoryFilterSchema, LifecycleService } from "@berth/proto";
import { defaultServerOptions, insertDeployments, startServer, upsertApplication } from "@berth/server";
import { create } from "@bufbuild/protobuf";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import pino from "pino";
import { type RunningBff, startBff } from "../../apps/bff/src/index.js";
import type { HistoryQuery } from "../../apps/server/src/history/history-query.js";
import { gitRowsQuery, listDeploymentRows } from "../../apps/server/src/history/list-history.js";
import { signIn } from "./lib/bff-tab.js";
import { seedLifecycle, timeLiveAt } from "./lifecycle-at-scale.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median wall time of `fn` in ms over `runs` runs, after 3 warm-up runs. */
async function time(runs: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return Math.round(median(samples) * 1000) / 1000;
}

/**
 * Seeds `count` deployments and times the listings (median of `runs`); then seeds `lifecycleEvents` lifecycle events
 * and times "what was live at T".
 */
export async function benchHistory(options: { count: number; runs: number; lifecycleEvents: number }) {
  const { count, runs } = options;
  const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-history-"));
  const server = await startServer({
    ...defaultServerOptions(dataDir),
    stopAppsOnExit: true, // its apps end with it (a production server leaves them running)
    apiPort: 0,
    routerPort: 0,
    builtinRunner: false,
    logger: pino({ level: "silent" }),
  });

  let bff: RunningBff | undefined;
  try {
    const db = server.ctx.store.db;
    const app = await upsertApplication(db, { project: "bench", app: "web", labels: {}, configJson: "" });

    // A realistic mix: most deployments from main, the rest from 50 feature branches; a few failed; old ones destroyed.
    const shas: string[] = [];
    const start = Date.now() - count * 60_000;
    const inputs = Array.from({ length: count }, (_, i) => {
      const sha = randomBytes(20).toString("hex");
      shas.push(sha);
      const seq = i + 1;
      return {
        appId: app.id,
        seq,
        status: seq % 20 === 0 ? "failed" : seq < count - 50 ? "destroyed" : "healthy",
        git: {
          sha,
          branch: seq % 10 < 7 ? "main" : `feature/f${seq % 50}`,
          author: "Bench Bot",
          message: `change ${seq}: ${seq % 3 === 0 ? "fix checkout" : "update deps"}`,
        },
        createdAt: start + i * 60_000,
      };
    });
    const seedStart = performance.now();
    await insertDeployments(server.ctx.store, inputs);
    const seedMs = Math.round(performance.now() - seedStart);

    const probe = shas[Math.floor(count / 3)]!.slice(0, 7);
    const queries: Record<string, HistoryQuery> = {
      newestPage: { pageSize: 50 },
      shaPrefix: { shaPrefix: probe, pageSize: 50 },
      branchAndStatusPage: { branch: "feature/f7", statuses: ["failed", "destroyed"], pageSize: 50 },
      deepPage: { pageSize: 50, beforeSeq: Math.floor(count / 2) },
      textSearch: { text: "fix checkout", pageSize: 50 },
    };

    // Which index SQLite uses for each listing: the figures only hold while these stay index searches.
    const plans: Record<string, string[]> = {};
    const sqlite = server.ctx.store.sqlite;
    for (const [name, q] of Object.entries(queries)) {
      if (!sqlite) break;
      const compiled = gitRowsQuery(db, "deployments", app.id, q).compile();
      const rows = sqlite
        .prepare(`explain query plan ${compiled.sql}`)
        .all(...(compiled.parameters as unknown[])) as { detail: string }[];
      plans[name] = rows.map((r) => r.detail);
    }

    const serverSide: Record<string, number> = {};
    for (const [name, q] of Object.entries(queries))
      serverSide[name] = await time(runs, () => listDeploymentRows(db, app.id, q));

    const auth: Interceptor = (next) => (req) => {
      req.header.set("authorization", `Bearer ${server.bootstrapToken}`);
      return next(req);
    };
    const client = createClient(
      DeploymentService,
      createGrpcTransport({ baseUrl: server.apiUrl, interceptors: [auth] }),
    );
    const ref = { project: "bench", app: "web" };
    const newest = await client.listDeployments({ app: ref, pageSize: 50 });
    const api: Record<string, number> = {
      newestPage: await time(runs, () => client.listDeployments({ app: ref, pageSize: 50 })),
      shaPrefix: await time(runs, () =>
        client.listDeployments({ app: ref, filter: create(HistoryFilterSchema, { shaPrefix: probe }) }),
      ),
      branchAndStatusPage: await time(runs, () =>
        client.listDeployments({
          app: ref,
          filter: create(HistoryFilterSchema, { branch: "feature/f7" }),
          statuses: [DeploymentStatus.FAILED, DeploymentStatus.DESTROYED],
          pageSize: 50,
        }),
      ),
      nextPage: await time(runs, () =>
        client.listDeployments({ app: ref, pageSize: 50, pageToken: newest.nextPageToken }),
      ),
    };
    // The same calls end to end through the BFF, as the dashboard makes them.
    bff = await startBff({
      serverUrl: server.apiUrl,
      host: "127.0.0.1",
      port: 0,
      logger: false,
      shutdownGraceMs: 300,
    });
    const tab = await signIn(bff.url, server.bootstrapToken ?? "");
    const viaBff = tab.client(DeploymentService);
    const bffNewest = await viaBff.listDeployments({ app: ref, pageSize: 50 });
    const bffMs: Record<string, number> = {
      newestPage: await time(runs, () => viaBff.listDeployments({ app: ref, pageSize: 50 })),
      shaPrefix: await time(runs, () =>
        viaBff.listDeployments({ app: ref, filter: create(HistoryFilterSchema, { shaPrefix: probe }) }),
      ),
      branchAndStatusPage: await time(runs, () =>
        viaBff.listDeployments({
          app: ref,
          filter: create(HistoryFilterSchema, { branch: "feature/f7" }),
          statuses: [DeploymentStatus.FAILED, DeploymentStatus.DESTROYED],
          pageSize: 50,
        }),
      ),
      nextPage: await time(runs, () =>
        viaBff.listDeployments({ app: ref, pageSize: 50, pageToken: bffNewest.nextPageToken }),
      ),
    };
    const deploymentIds = (
      await db.selectFrom("deployments").select("id").where("app_id", "=", app.id).orderBy("seq").execute()
    ).map((d) => d.id);
    const lifecycleSeed = await seedLifecycle(db, app.id, deploymentIds, options.lifecycleEvents);
    const liveAtMs = await timeLiveAt({
      db,
      appId: app.id,
      seed: lifecycleSeed,
      runs,
      api: createClient(
        LifecycleService,
        createGrpcTransport({ baseUrl: server.apiUrl, interceptors: [auth] }),
      ),
      bff: tab.client(LifecycleService),
    });
    const shaHits = await client.listDeployments({
      app: ref,
      filter: create(HistoryFilterSchema, { shaPrefix: probe }),
    });

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "", node: process.version },
      method:
        `${count.toLocaleString("en")} deployments of one app seeded in one transaction through insertDeployments; ` +
        `median of ${runs} runs after 3 warm-ups; serverSide = listDeploymentRows on the store (SQLite file, WAL); ` +
        "api = DeploymentService.ListDeployments over gRPC (HTTP/2, h2c) on 127.0.0.1 with auth and validation; " +
        "bff = the same call from a signed-in session through the BFF (Connect protocol, binary, HTTP/1.1 keep-alive) " +
        "→ gRPC → server.",
      deployments: count,
      seedMs,
      pageSize: 50,
      shaPrefixProbe: probe,
      shaPrefixHits: shaHits.deployments.length,
      serverSideMs: serverSide,
      apiMs: api,
      bffMs,
      queryPlans: plans,
      lifecycle: {
        method:
          `${lifecycleSeed.events.toLocaleString("en")} lifecycle events of the same app (a release every 10th, ` +
          `${lifecycleSeed.releases.toLocaleString("en")} live intervals) inserted in one transaction; median over ${runs} ` +
          "random instants of that history after 3 warm-ups; store = liveAt + eventsBefore (what served, what changed " +
          "just before); api = LifecycleService.GetLiveAt over gRPC; bff = the same from a signed-in session through the BFF.",
        events: lifecycleSeed.events,
        releases: lifecycleSeed.releases,
        seedMs: lifecycleSeed.seedMs,
        liveAtMs,
      },
    };
    return results;
  } finally {
    await bff?.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  const { values } = parseArgs({ options: { count: { type: "string" }, runs: { type: "string" } } });
  const results = await benchHistory({
    count: Number(values.count ?? 100_000),
    runs: Number(values.runs ?? 25),
    lifecycleEvents: 1_000_000,
  });
  const outDir = new URL("../results/", import.meta.url);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(new URL("history.json", outDir), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}
