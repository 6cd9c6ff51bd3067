// Release, rollback and destroy rules against a real store (no processes needed: deployments are inserted
// with the status the platform would have given them).
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertApplication } from "../src/catalog/projects.js";
import { parseReleaseTargets } from "../src/catalog/to-proto.js";
import type { BusEvent } from "../src/events/event-bus.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { destroyDeployment } from "../src/lifecycle/destroy-deployment.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { releaseDeployment, rollbackRelease } from "../src/lifecycle/release-deployment.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { storeDialects } from "./helpers/test-stores.js";

const ref = { project: "shop", app: "web" };
const actor = { tokenId: "t1", name: "ada" };

const codeOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  return err ? { code: err.code, message: err.rawMessage } : undefined;
};

describe.each(storeDialects)("release lifecycle on %s", (storeDialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ storeDialect });
    const app = await upsertApplication(server.ctx.store.db, { ...ref, labels: {}, configJson: "" });
    for (const status of ["healthy", "healthy", "unhealthy", "healthy"])
      await insertDeployment(server.ctx.store.db, { appId: app.id, status, git: { sha: "a".repeat(40) } });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("releases, splits a canary, refuses unhealthy unless forced, rolls back, and publishes events", async () => {
    const ctx = server.ctx;
    const events: BusEvent[] = [];
    const stop = new AbortController();
    const watching = (async () => {
      for await (const e of ctx.events.subscribe({ project: "shop" }, stop.signal)) events.push(e);
    })();

    const r1 = await releaseDeployment(ctx, { ...ref, seq: 1, actor, reason: "first" });
    const r2 = await releaseDeployment(ctx, { ...ref, seq: 2, canaryPercent: 25, actor });
    const dep = (seq: number) =>
      ctx.store.db.selectFrom("deployments").select("id").where("seq", "=", seq).executeTakeFirstOrThrow();
    expect(parseReleaseTargets(r2.targets_json)).toEqual([
      { deploymentId: (await dep(1)).id, weight: 75 },
      { deploymentId: (await dep(2)).id, weight: 25 },
    ]);

    expect(await codeOf(releaseDeployment(ctx, { ...ref, seq: 3, actor }))).toEqual({
      code: Code.FailedPrecondition,
      message: "web v3 is unhealthy, not healthy; release refused (use --force to release it anyway)",
    });
    const forced = await releaseDeployment(ctx, { ...ref, seq: 3, force: true, actor });
    expect(forced.forced).toBe(1);
    expect(await codeOf(releaseDeployment(ctx, { ...ref, seq: 9, actor }))).toMatchObject({
      code: Code.NotFound,
    });

    // Rollback goes to the release before the current one whose primary differs: the canary's v1 (75%).
    const back = await rollbackRelease(ctx, { ...ref, actor });
    expect(back.rollback_of).toBe(forced.id);
    expect(parseReleaseTargets(back.targets_json)).toEqual([
      { deploymentId: (await dep(1)).id, weight: 100 },
    ]);
    const app = await ctx.store.db.selectFrom("applications").selectAll().executeTakeFirstOrThrow();
    expect(app.current_release_id).toBe(back.id);
    expect(r1.seq).toBe(1);

    await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    await watching;
    const kinds = events.map((e) => e.event.case);
    expect(kinds.filter((k) => k === "release")).toHaveLength(4);
    expect(kinds).toContain("application");
    const released = events.flatMap((e) =>
      e.event.case === "deployment" ? [[e.event.value.seq, e.event.value.released]] : [],
    );
    expect(released).toContainEqual([3, true]);
    expect(released).toContainEqual([3, false]);
  });

  it("never destroys the released deployment and never releases a destroyed one", async () => {
    const ctx = server.ctx;
    const engine = engineOf(ctx);
    const v1 = await ctx.store.db
      .selectFrom("deployments")
      .select("id")
      .where("seq", "=", 1)
      .executeTakeFirstOrThrow();
    expect(await codeOf(destroyDeployment(ctx, engine, { deploymentId: v1.id, actor }))).toEqual({
      code: Code.FailedPrecondition,
      message:
        "web v1 is released, so its public URL needs it: first release another deployment (berth release vN) " +
        "or roll back (berth rollback), or delete the whole app (berth apps delete web)",
    });
    const v4 = await ctx.store.db
      .selectFrom("deployments")
      .select("id")
      .where("seq", "=", 4)
      .executeTakeFirstOrThrow();
    const destroyed = await destroyDeployment(ctx, engine, { deploymentId: v4.id, actor });
    expect(destroyed.status).toBe("destroyed");
    expect(await codeOf(releaseDeployment(ctx, { ...ref, seq: 4, force: true, actor }))).toEqual({
      code: Code.FailedPrecondition,
      message: "web v4 is destroyed and cannot be released; deploy again",
    });
    const audit = await ctx.store.db.selectFrom("audit_events").select("action").execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      "deployment.destroy",
      "release.create",
      "release.create",
      "release.create",
      "release.rollback",
    ]);
  });

  it("refuses releases of one app made while another is being made: one wins, the others get Aborted", async () => {
    const ctx = server.ctx;
    const before = await ctx.store.db.selectFrom("releases").select("id").execute();
    const made = await Promise.allSettled(
      [1, 2, 1, 2, 1, 2].map((seq) => releaseDeployment(ctx, { ...ref, seq, actor, reason: "race" })),
    );
    const won = made.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = made.flatMap((r) => (r.status === "rejected" ? [ConnectError.from(r.reason)] : []));
    expect(won).toHaveLength(1);
    expect(refused.map((e) => e.code)).toEqual([
      Code.Aborted,
      Code.Aborted,
      Code.Aborted,
      Code.Aborted,
      Code.Aborted,
    ]);
    expect(refused[0]?.rawMessage).toBe(
      "another release of shop/web is being made at this moment (by another request or server replica); " +
        "look at the app's current release, then try again",
    );
    const after = await ctx.store.db.selectFrom("releases").select("id").execute();
    expect(after.length).toBe(before.length + 1);
    const app = await ctx.store.db.selectFrom("applications").selectAll().executeTakeFirstOrThrow();
    expect(app.current_release_id).toBe(won[0]?.id);
  });
});
