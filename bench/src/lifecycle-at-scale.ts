// "What was live at T" with a long lifecycle log: seeds an app's log (1,000,000 events by default, a release every
// 10th with its live interval) straight into the store, then times liveAt + eventsBefore on the store, the
// LifecycleService.GetLiveAt RPC over gRPC, and the same call through the BFF, at random instants of that history.
import { randomUUID } from "node:crypto";
import type { LifecycleService } from "@berth/proto";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import { eventsBefore, liveAt } from "../../apps/server/src/lifecycle-log/live-at.js";
import type { Database, LifecycleEventTable, LiveIntervalTable } from "../../apps/server/src/store/schema.js";
import { median, round } from "./lib/stats.js";

export interface LifecycleSeed {
  events: number;
  releases: number;
  seedMs: number;
  from: number;
  to: number;
}

const kinds = [
  "build.succeeded",
  "deployment.created",
  "deployment.healthy",
  "config.applied",
  "instance.crashed",
];

/** Seeds `events` lifecycle events of one app over the last `events` minutes; every 10th is a release. */
export async function seedLifecycle(
  db: Kysely<Database>,
  appId: string,
  deploymentIds: string[],
  events: number,
): Promise<LifecycleSeed> {
  const started = performance.now();
  const from = Date.now() - events * 60_000;
  let releases = 0;
  await db.transaction().execute(async (trx) => {
    let batch: LifecycleEventTable[] = [];
    let intervals: LiveIntervalTable[] = [];
    let previous: LiveIntervalTable | undefined;
    const flush = async () => {
      if (batch.length > 0) await trx.insertInto("lifecycle_events").values(batch).execute();
      if (intervals.length > 0) await trx.insertInto("live_intervals").values(intervals).execute();
      batch = [];
      intervals = [];
    };
    for (let i = 0; i < events; i++) {
      const time = from + i * 60_000;
      const deploymentId = deploymentIds[Math.floor((i / events) * deploymentIds.length)] ?? "";
      const release = i % 10 === 0;
      const releaseId = release ? `rel-${i}` : null;
      batch.push({
        id: `${String(time).padStart(15, "0")}-${randomUUID().slice(0, 8)}`,
        project: "bench",
        app_id: appId,
        time,
        kind: release ? "release" : (kinds[i % kinds.length] ?? "deployment.created"),
        actor_token_id: "",
        actor_name: "bench",
        reason: "",
        git_sha: "",
        build_id: null,
        deployment_id: deploymentId,
        release_id: releaseId,
        job_id: null,
        config_revision: null,
        details_json: "{}",
      });
      if (release) {
        releases++;
        // Each release replaces the one before: its interval ends where this one begins.
        if (previous) previous.to_time = time;
        previous = {
          app_id: appId,
          release_id: releaseId ?? "",
          release_seq: releases,
          deployment_id: deploymentId,
          weight: 100,
          from_time: time,
          to_time: null,
        };
        intervals.push(previous);
      }
      // SQLite's 32,766 bound parameters: 15 columns × 2,000 rows stays under it.
      if (batch.length >= 2000) await flush();
    }
    await flush();
  });
  return {
    events,
    releases,
    seedMs: Math.round(performance.now() - started),
    from,
    to: from + events * 60_000,
  };
}

/** Median of `fn` over `runs` random instants of the history (3 warm-ups first), in ms. */
async function timeAtRandomInstants(
  runs: number,
  seed: LifecycleSeed,
  fn: (at: number) => Promise<unknown>,
): Promise<number> {
  const at = () => Math.floor(seed.from + Math.random() * (seed.to - seed.from));
  for (let i = 0; i < 3; i++) await fn(at());
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(at());
    samples.push(performance.now() - t);
  }
  return round(median(samples), 3);
}

/** "Live at T" on the store, over gRPC and through the BFF. */
export async function timeLiveAt(options: {
  db: Kysely<Database>;
  appId: string;
  seed: LifecycleSeed;
  runs: number;
  api: Client<typeof LifecycleService>;
  bff: Client<typeof LifecycleService>;
}) {
  const { db, appId, seed, runs } = options;
  const request = (at: number) => ({ project: "bench", app: "web", at: timestampFromMs(at) });
  return {
    storeMs: await timeAtRandomInstants(runs, seed, (at) =>
      Promise.all([liveAt(db, appId, at), eventsBefore(db, appId, at)]),
    ),
    apiMs: await timeAtRandomInstants(runs, seed, (at) => options.api.getLiveAt(request(at))),
    bffMs: await timeAtRandomInstants(runs, seed, (at) => options.bff.getLiveAt(request(at))),
  };
}
