// Retention, app/project delete and scale through the real API on both store dialects. Deployments are inserted
// with the status the platform would have given them (no processes: the CLI test runs those end to end).
import { DeploymentService, ProjectService, ReleaseService } from "@berth/proto";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertApplication } from "../src/catalog/projects.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { applyRetention } from "../src/lifecycle/apply-retention.js";
import { destroyDeployment } from "../src/lifecycle/destroy-deployment.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { createSubscription, listSubscriptions } from "../src/notifications/subscriptions.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import { loginToken } from "./helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { storeDialects } from "./helpers/test-stores.js";

const retained = (keep: number) => JSON.stringify({ retention: { keepUnreleased: keep } });

describe.each(storeDialects)("cleaning up on %s", (storeDialect) => {
  let server: TestServer;
  let admin: string;
  let deployer: string;

  beforeAll(async () => {
    server = await startTestServer({ storeDialect });
    admin = await loginToken(server.ctx.store.db, "admin");
    deployer = await loginToken(server.ctx.store.db, "deployer");
  });

  afterAll(async () => {
    await server?.dispose();
  });

  const seed = async (project: string, app: string, statuses: string[], configJson = "") => {
    const db = server.ctx.store.db;
    const row = await upsertApplication(db, { project, app, labels: {}, configJson });
    for (const status of statuses)
      await insertDeployment(db, { appId: row.id, status, git: { sha: "ab".repeat(20) } });
    return row;
  };
  const statusBySeq = async (appId: string) =>
    Object.fromEntries(
      (
        await server.ctx.store.db
          .selectFrom("deployments")
          .select(["seq", "status"])
          .where("app_id", "=", appId)
          .execute()
      ).map((d) => [d.seq, d.status]),
    );

  it("retention destroys unreleased, unpinned deployments beyond N, each logged with reason retention", async () => {
    const app = await seed("keep", "web", Array(8).fill("healthy"), retained(2));
    const releases = clientFor(server, ReleaseService, deployer);
    const deployments = clientFor(server, DeploymentService, deployer);
    await deployments.annotateDeployment({
      app: { project: "keep", app: "web" },
      seq: 2,
      pinned: true,
      note: "",
    });
    // Releasing v5 applies retention: keeps v8, v7 (newest unreleased), v5 (released), v2 (pinned).
    await releases.release({ app: { project: "keep", app: "web" }, seq: 5 });
    expect(await statusBySeq(app.id)).toEqual({
      1: "destroyed",
      2: "healthy",
      3: "destroyed",
      4: "destroyed",
      5: "healthy",
      6: "destroyed",
      7: "healthy",
      8: "healthy",
    });
    const events = await server.ctx.store.db
      .selectFrom("lifecycle_events")
      .select(["reason", "actor_name"])
      .where("app_id", "=", app.id)
      .where("kind", "=", "deployment.destroyed")
      .execute();
    expect(events).toHaveLength(4);
    expect(events.every((e) => e.reason === "retention" && e.actor_name === "retention")).toBe(true);
    // Running it again changes nothing; an app without a retention block keeps everything.
    expect(await applyRetention(server.ctx, engineOf(server.ctx), app.id)).toEqual([]);
    const all = await seed("keep", "api", Array(4).fill("healthy"));
    expect(await applyRetention(server.ctx, engineOf(server.ctx), all.id)).toEqual([]);
  });

  it("keep_unreleased = 0 spares the deployment a deploy just made, so berth up can release it", async () => {
    const app = await seed("zero", "web", ["healthy", "healthy", "healthy"], retained(0));
    const id = async (seq: number) =>
      (
        await server.ctx.store.db
          .selectFrom("deployments")
          .select("id")
          .where("app_id", "=", app.id)
          .where("seq", "=", seq)
          .executeTakeFirstOrThrow()
      ).id;
    expect(await applyRetention(server.ctx, engineOf(server.ctx), app.id, await id(3))).toEqual([2, 1]);
    await clientFor(server, ReleaseService, deployer).release({
      app: { project: "zero", app: "web" },
      seq: 3,
    });
    expect(await statusBySeq(app.id)).toEqual({ 1: "destroyed", 2: "destroyed", 3: "healthy" });
  });

  it("records a deployment destroyed by two callers at once once", async () => {
    const app = await seed("race", "web", ["healthy"]);
    const d = await server.ctx.store.db
      .selectFrom("deployments")
      .select("id")
      .where("app_id", "=", app.id)
      .executeTakeFirstOrThrow();
    const engine = engineOf(server.ctx);
    await Promise.all([1, 2, 3].map(() => destroyDeployment(server.ctx, engine, { deploymentId: d.id })));
    const events = await server.ctx.store.db
      .selectFrom("lifecycle_events")
      .select("id")
      .where("deployment_id", "=", d.id)
      .where("kind", "=", "deployment.destroyed")
      .execute();
    expect(events).toHaveLength(1);
  });

  it("deletes an app for admins only: URL down, deployments destroyed, history and audit kept", async () => {
    const app = await seed("gone", "web", ["healthy", "healthy", "failed"]);
    await seed("gone", "api", ["healthy"]);
    await clientFor(server, ReleaseService, deployer).release({
      app: { project: "gone", app: "web" },
      seq: 2,
    });
    const ref = { project: "gone", app: "web" };

    const denied = await errorOf(clientFor(server, ProjectService, deployer).deleteApplication({ app: ref }));
    expect(denied.code).toBe(Code.PermissionDenied);
    const projects = clientFor(server, ProjectService, admin);
    const unknown = await errorOf(projects.deleteApplication({ app: { project: "gone", app: "nope" } }));
    expect(unknown.code).toBe(Code.NotFound);
    expect(unknown.rawMessage).toBe('application "nope" not found in project "gone"');

    const res = await projects.deleteApplication({ app: ref });
    expect(res.destroyedSeqs).toEqual([1, 2]);
    expect(await statusBySeq(app.id)).toEqual({ 1: "destroyed", 2: "destroyed", 3: "failed" });
    const row = await server.ctx.store.db
      .selectFrom("applications")
      .selectAll()
      .where("id", "=", app.id)
      .executeTakeFirstOrThrow();
    expect(row.current_release_id).toBeNull();
    expect(row.deleted_at).not.toBeNull();
    expect((await projects.listApplications({ project: "gone" })).applications.map((a) => a.name)).toEqual([
      "api",
    ]);
    // Its history still reads: deployments, releases, lifecycle events.
    const history = await clientFor(server, DeploymentService, deployer).listDeployments({ app: ref });
    expect(history.deployments).toHaveLength(3);
    const kinds = await server.ctx.store.db
      .selectFrom("lifecycle_events")
      .select(["kind", "reason"])
      .where("app_id", "=", app.id)
      .where("kind", "in", ["app.deleted", "deployment.destroyed"])
      .orderBy("time")
      .orderBy("id")
      .execute();
    expect(kinds).toEqual([
      { kind: "app.deleted", reason: "app deleted" },
      { kind: "deployment.destroyed", reason: "app deleted" },
      { kind: "deployment.destroyed", reason: "app deleted" },
    ]);
    const audit = await server.ctx.store.db
      .selectFrom("audit_events")
      .select(["actor_name", "details_json"])
      .where("action", "=", "application.delete")
      .execute();
    expect(audit).toEqual([
      { actor_name: "admin-user", details_json: JSON.stringify({ destroyed: [1, 2] }) },
    ]);

    const again = await errorOf(projects.deleteApplication({ app: ref }));
    expect(again.code).toBe(Code.NotFound);
    expect(again.rawMessage).toBe('application "web" in project "gone" was already deleted');

    // Upserting it again (berth up) brings it back with its history.
    await upsertApplication(server.ctx.store.db, { ...ref, labels: {}, configJson: "" });
    expect((await projects.listApplications({ project: "gone" })).applications).toHaveLength(2);
  });

  it("deletes a project's apps and hides the project; its name comes back with the next upsert", async () => {
    await seed("proj", "a", ["healthy"]);
    await seed("proj", "b", ["healthy", "healthy"]);
    await createSubscription(server.ctx.store.db, {
      project: "proj",
      url: "http://127.0.0.1:9/hook",
      format: "json",
      events: ["release"],
      actor: { tokenId: "", name: "test" },
    });
    const projects = clientFor(server, ProjectService, admin);
    const denied = await errorOf(clientFor(server, ProjectService, deployer).deleteProject({ name: "proj" }));
    expect(denied.code).toBe(Code.PermissionDenied);
    expect((await errorOf(projects.deleteProject({ name: "nope" }))).code).toBe(Code.NotFound);

    expect(await projects.deleteProject({ name: "proj" })).toMatchObject({
      applications: ["a", "b"],
      destroyedDeployments: 3,
    });
    expect((await projects.listProjects({})).projects.map((p) => p.name)).not.toContain("proj");
    // Nothing of it is left to notify about.
    expect(await listSubscriptions(server.ctx.store.db, "proj")).toEqual([]);
    const gone = await errorOf(projects.listApplications({ project: "proj" }));
    expect(gone.code).toBe(Code.NotFound);
    expect(gone.rawMessage).toBe('project "proj" was deleted');
    await upsertApplication(server.ctx.store.db, { project: "proj", app: "a", labels: {}, configJson: "" });
    expect((await projects.listProjects({})).projects.find((p) => p.name === "proj")?.applications).toEqual([
      "a",
    ]);
  });

  it("refuses scale requests with a bad count, an unknown app, or a deployment that is not running", async () => {
    await seed("scale", "web", ["healthy", "destroyed"]);
    const deployments = clientFor(server, DeploymentService, deployer);
    const ref = { project: "scale", app: "web" };
    for (const count of [-1, 101]) {
      const err = await errorOf(deployments.scaleDeployment({ app: ref, seq: 1, count }));
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.rawMessage).toContain("count");
    }
    const unknown = await errorOf(
      deployments.scaleDeployment({ app: { ...ref, app: "nope" }, seq: 1, count: 2 }),
    );
    expect(unknown.code).toBe(Code.NotFound);
    const missing = await errorOf(deployments.scaleDeployment({ app: ref, seq: 9, count: 2 }));
    expect(missing.code).toBe(Code.NotFound);
    const destroyed = await errorOf(deployments.scaleDeployment({ app: ref, seq: 2, count: 2 }));
    expect(destroyed.code).toBe(Code.FailedPrecondition);
    expect(destroyed.rawMessage).toBe(
      "web v2 is destroyed; only a running (healthy or unhealthy) deployment can be scaled",
    );
    const viewer = clientFor(server, DeploymentService, await loginToken(server.ctx.store.db, "viewer"));
    expect((await errorOf(viewer.scaleDeployment({ app: ref, seq: 1, count: 2 }))).code).toBe(
      Code.PermissionDenied,
    );
  });
});
