// The lifecycle log against a real store: releases, rollbacks, config changes and destroys append events
// and maintain live intervals, and the LifecycleService answers "what happened to this SHA" and "what was
// live at T" from them — checked against a replay of the log for 1,000 random instants.
import { DeploymentService, LifecycleService } from "@berth/proto";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertApplication } from "../src/catalog/projects.js";
import { setConfigVars } from "../src/config/config-store.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { destroyDeployment } from "../src/lifecycle/destroy-deployment.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { releaseDeployment, rollbackRelease } from "../src/lifecycle/release-deployment.js";
import { liveAt } from "../src/lifecycle-log/live-at.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
const actor = { tokenId: "t1", name: "ada" };
const sha = (c: string) => c.repeat(40);

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.dispose();
});

/** A deterministic PRNG (mulberry32), so a failing history can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("lifecycle log", () => {
  it("lists the life of a SHA: releases with weights, a rollback with its reason, config it ran with, destroy", async () => {
    const ctx = server.ctx;
    const db = ctx.store.db;
    const ref = { project: "life", app: "web" };
    const app = await upsertApplication(db, { ...ref, labels: {}, configJson: "" });
    for (const c of ["a", "b", "c"])
      await insertDeployment(db, {
        appId: app.id,
        status: "healthy",
        git: { sha: sha(c), message: "<b>x</b>" },
      });
    await releaseDeployment(ctx, { ...ref, seq: 1, actor, reason: "first" });
    await releaseDeployment(ctx, { ...ref, seq: 2, canaryPercent: 25, actor, reason: "try b" });
    await releaseDeployment(ctx, { ...ref, seq: 2, actor, reason: "b looks good" });
    await setConfigVars(db, {
      project: ref.project,
      app: ref.app,
      set: [{ name: "MODE", value: "fast", secret: false }],
      unset: [],
      actor,
    });
    await rollbackRelease(ctx, { ...ref, actor, reason: "b leaks memory" });
    await destroyDeployment(ctx, engineOf(ctx), { deploymentId: await depId(app.id, 3), actor });

    const life = clientFor(server, LifecycleService, server.bootstrapToken!);
    const b = await life.getShaLifecycle({ project: "life", shaPrefix: "bbbb" });
    expect(b.shas).toEqual([sha("b")]);
    expect(b.deployments.map((d) => d.seq)).toEqual([2]);
    expect(
      b.events.map((e) => [
        e.kind,
        e.reason,
        e.targets.map((t) => `v${t.deploymentSeq}:${t.weight}`).join(","),
      ]),
    ).toEqual([
      ["release", "try b", "v1:75,v2:25"],
      ["release", "b looks good", "v2:100"],
      ["rollback", "b leaks memory", "v1:100"],
    ]);
    expect(b.intervals.map((i) => [i.weight, i.releaseSeq, i.to !== undefined])).toEqual([
      [25, 2, true],
      [100, 3, true],
    ]);
    expect(b.served).toHaveLength(1);
    expect(b.served[0]?.live).toBe(false);
    // The config revision applied while v2 served is one it ran with.
    expect(b.configRevisions.map((r) => r.revision)).toEqual([1]);
    expect(b.intervals[0]?.git?.message).toBe("<b>x</b>");

    const c = await life.getShaLifecycle({ project: "life", app: "web", shaPrefix: "cccc" });
    expect(c.events.map((e) => e.kind)).toEqual(["deployment.destroyed"]);
    expect(c.events[0]?.actor?.name).toBe("ada");

    const none = await life.getShaLifecycle({ project: "life", shaPrefix: "dddd" });
    expect(none.shas).toEqual([]);
  });

  it("answers 'nothing was live' before the app existed and refuses a bad SHA prefix in words", async () => {
    const life = clientFor(server, LifecycleService, server.bootstrapToken!);
    const before = await life.getLiveAt({
      project: "life",
      app: "web",
      at: timestampFromMs(Date.UTC(2000, 0, 1)),
    });
    expect(before.apps).toEqual([expect.objectContaining({ app: "web", live: [] })]);
    const now = await life.getLiveAt({ project: "life", at: timestampFromMs(Date.now()) });
    expect(now.apps[0]?.live.map((i) => [i.deploymentSeq, i.weight, i.rollback])).toEqual([[1, 100, true]]);
    expect(now.apps[0]?.before[0]?.kind).toBe("deployment.destroyed");

    const bad = await errorOf(life.getShaLifecycle({ project: "life", shaPrefix: "xyz" }));
    expect(bad.code).toBe(Code.InvalidArgument);
    expect(bad.rawMessage).toContain("a SHA prefix is 4–40 lowercase hex characters");
    expect(bad.rawMessage).not.toContain("[0-9a-f]");
  });

  it("pins and annotates a deployment: shown in its history, logged with the note as reason, audited", async () => {
    const deployments = clientFor(server, DeploymentService, server.bootstrapToken!);
    const { deployment } = await deployments.annotateDeployment({
      app: { project: "life", app: "web" },
      seq: 1,
      pinned: true,
      note: " known good ",
    });
    expect(deployment).toMatchObject({ seq: 1, pinned: true, note: "known good" });
    const listed = await deployments.listDeployments({ app: { project: "life", app: "web" } });
    expect(listed.deployments.find((d) => d.seq === 1)).toMatchObject({ pinned: true, note: "known good" });
    const life = clientFor(server, LifecycleService, server.bootstrapToken!);
    const a = await life.getShaLifecycle({ project: "life", shaPrefix: "aaaa" });
    expect(a.events.at(-1)).toMatchObject({ kind: "deployment.annotated", reason: "known good" });
    const missing = await errorOf(
      deployments.annotateDeployment({ app: { project: "life", app: "web" }, seq: 99, pinned: true }),
    );
    expect(missing.code).toBe(Code.NotFound);
    expect(missing.rawMessage).toBe("deployment v99 of life/web not found");
  });

  it("'live at T' equals a replay of the event log for 1,000 random instants after a random history", async () => {
    const ctx = server.ctx;
    const db = ctx.store.db;
    const ref = { project: "prop", app: "api" };
    const app = await upsertApplication(db, { ...ref, labels: {}, configJson: "" });
    const seed = Date.now() % 1_000_000;
    const random = prng(seed);
    const pick = (n: number) => Math.floor(random() * n);
    for (let i = 0; i < 8; i++)
      await insertDeployment(db, {
        appId: app.id,
        status: "healthy",
        git: { sha: sha("0123456789abcdef"[i]!) },
      });
    const start = Date.now();
    for (let step = 0; step < 60; step++) {
      const roll = random();
      if (roll < 0.2) {
        await rollbackRelease(ctx, { ...ref, actor, reason: `step ${step}` }).catch(() => undefined);
      } else {
        const canary = roll < 0.45 ? 1 + pick(99) : 0;
        await releaseDeployment(ctx, { ...ref, seq: 1 + pick(8), canaryPercent: canary, actor });
      }
      // Spread releases over distinct milliseconds now and then (ties are exercised by the rest).
      if (step % 7 === 0) await new Promise<void>((r) => setImmediate(r));
    }
    const end = Date.now();

    const log = await db
      .selectFrom("lifecycle_events")
      .select(["time", "details_json"])
      .where("app_id", "=", app.id)
      .where("kind", "in", ["release", "rollback"])
      .execute();
    const replay = log
      .map((e) => {
        const d = JSON.parse(e.details_json) as {
          seq: number;
          targets: { deploymentId: string; weight: number }[];
        };
        return { time: e.time, seq: d.seq, targets: d.targets.filter((t) => t.weight > 0) };
      })
      .sort((a, b) => a.time - b.time || a.seq - b.seq);
    expect(replay.length).toBeGreaterThan(40);
    const replayAt = (t: number) => {
      let live: { deploymentId: string; weight: number }[] = [];
      for (const r of replay) if (r.time <= t) live = r.targets;
      return live.map((x) => `${x.deploymentId}:${x.weight}`).sort();
    };
    for (let i = 0; i < 1000; i++) {
      const t = start - 5 + Math.floor(random() * (end - start + 10));
      const got = (await liveAt(db, app.id, t)).map((x) => `${x.deployment_id}:${x.weight}`).sort();
      expect(got, `seed ${seed}, instant ${t}`).toEqual(replayAt(t));
    }
  });
});

async function depId(appId: string, seq: number): Promise<string> {
  const row = await server.ctx.store.db
    .selectFrom("deployments")
    .select("id")
    .where("app_id", "=", appId)
    .where("seq", "=", seq)
    .executeTakeFirstOrThrow();
  return row.id;
}
