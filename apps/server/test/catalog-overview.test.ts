// The app catalog's listing over real gRPC on both store dialects: the released version and commit, health,
// instances, the last deploy and who did it, and a fixed number of queries for a thousand apps.
import { createHash } from "node:crypto";
import { DeploymentStatus, ProjectService } from "@berth/proto";
import type { KyselyPlugin } from "kysely";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCatalogEntries } from "../src/catalog/catalog-entries.js";
import { getApplication } from "../src/catalog/projects.js";
import { urlOptionsOf } from "../src/catalog/urls.js";
import {
  insertDeployment,
  insertDeployments,
  insertRelease,
  releaseRow,
} from "../src/history/insert-history.js";
import { clientFor } from "./helpers/api-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { storeDialects } from "./helpers/test-stores.js";

const sha = (n: number) => createHash("sha1").update(`commit ${n}`).digest("hex");
type Db = TestServer["ctx"]["store"]["db"];

/** A job row as `berth up` leaves one: who started it is what the catalog shows as "deployed by". */
async function insertJob(db: Db, actorName: string): Promise<string> {
  const id = ulid();
  await db
    .insertInto("jobs")
    .values({
      id,
      kind: "up",
      state: "success",
      project: "shop",
      app: "web",
      target_runner_id: "",
      runner_id: null,
      params_json: "{}",
      result_json: "{}",
      error: "",
      actor_token_id: "",
      actor_name: actorName,
      trigger: "",
      queued_at: Date.now(),
      started_at: null,
      finished_at: null,
      heartbeat_at: null,
      git_sha: "",
      git_branch: "",
      git_author: "",
      git_message: "",
      git_commit_time: null,
      git_dirty: 0,
    })
    .execute();
  return id;
}

async function insertInstance(db: Db, deploymentId: string, idx: number, health: string): Promise<void> {
  await db
    .insertInto("instances")
    .values({
      id: ulid(),
      deployment_id: deploymentId,
      idx,
      state: "running",
      health,
      port: 0,
      pid: 0,
      restarts: 0,
      started_at: Date.now(),
      config_revision: 0,
      last_health_error: "",
      last_health_at: null,
      native_id: "",
    })
    .execute();
}

async function release(db: Db, appId: string, deploymentId: string): Promise<void> {
  const r = await insertRelease(db, { appId, targets: [{ deploymentId, weight: 100 }] });
  await db.updateTable("applications").set({ current_release_id: r.id }).where("id", "=", appId).execute();
}

describe.each(storeDialects)("ListCatalog on %s", (storeDialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ storeDialect });
    const projects = clientFor(server, ProjectService, server.bootstrapToken!);
    const config = JSON.stringify({ owner: "team-core", description: "The shop's front end" });
    await projects.upsertApplication({
      app: { project: "shop", app: "web" },
      labels: { tier: "web" },
      configJson: config,
    });
    await projects.upsertApplication({ app: { project: "shop", app: "worker" }, labels: {} });
    const db = server.ctx.store.db;
    const web = await getApplication(db, "shop", "web");
    const v1 = await insertDeployment(db, { appId: web.id, status: "healthy", git: { sha: sha(1) } });
    const v2 = await insertDeployment(db, {
      appId: web.id,
      status: "healthy",
      git: { sha: sha(2), branch: "main", author: "Ada" },
      jobId: await insertJob(db, "ada"),
    });
    await insertDeployment(db, {
      appId: web.id,
      status: "failed",
      git: { sha: sha(3) },
      jobId: await insertJob(db, "dora"),
    });
    await insertInstance(db, v1.id, 0, "healthy");
    await insertInstance(db, v2.id, 0, "healthy");
    await insertInstance(db, v2.id, 1, "unhealthy");
    await release(db, web.id, v2.id);
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("shows each app's release, health, instances and last deploy", async () => {
    const { entries } = await clientFor(server, ProjectService, server.bootstrapToken!).listCatalog({});
    expect(entries.map((e) => `${e.application?.project}/${e.application?.name}`)).toEqual([
      "shop/web",
      "shop/worker",
    ]);
    const [web, worker] = entries;
    expect(web).toMatchObject({
      application: { owner: "team-core", releasedSeq: 2, labels: { tier: "web" } },
      releasedStatus: DeploymentStatus.HEALTHY,
      releasedGit: { sha: sha(2), branch: "main", author: "Ada" },
      runningInstances: 2,
      healthyInstances: 1,
      lastDeploySeq: 3,
      lastDeployBy: "dora",
      lastDeployStatus: DeploymentStatus.FAILED,
    });
    expect(web?.lastDeployAt).toBeDefined();
    expect(worker).toMatchObject({
      releasedStatus: DeploymentStatus.UNSPECIFIED,
      runningInstances: 0,
      lastDeploySeq: 0,
      lastDeployBy: "",
    });
  });

  it("reads a thousand apps in a fixed number of queries", async () => {
    const db = server.ctx.store.db;
    const now = Date.now();
    const apps = Array.from({ length: 1000 }, (_, i) => ({
      id: ulid(now + i),
      project: "fleet",
      name: `svc-${String(i).padStart(4, "0")}`,
      labels_json: "{}",
      config_json: "{}",
      current_release_id: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    }));
    await db.insertInto("projects").values({ name: "fleet", created_at: now, updated_at: now }).execute();
    for (let i = 0; i < apps.length; i += 250)
      await db
        .insertInto("applications")
        .values(apps.slice(i, i + 250))
        .execute();
    const deployments = apps.flatMap((a) =>
      [1, 2].map((seq) => ({ id: ulid(), appId: a.id, seq, status: "healthy" })),
    );
    await insertDeployments(server.ctx.store, deployments);
    const releases = apps.map((a, i) => ({
      ...releaseRow({ appId: a.id, targets: [{ deploymentId: deployments[2 * i]!.id, weight: 100 }] }),
      seq: 1,
    }));
    for (let i = 0; i < releases.length; i += 250)
      await db
        .insertInto("releases")
        .values(releases.slice(i, i + 250))
        .execute();
    await db
      .updateTable("applications")
      .set((eb) => ({
        current_release_id: eb
          .selectFrom("releases")
          .select("releases.id")
          .whereRef("releases.app_id", "=", "applications.id"),
      }))
      .where("project", "=", "fleet")
      .execute();

    let queries = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const entries = await listCatalogEntries(db.withPlugin(counter) as typeof db, urlOptionsOf(server.ctx));
    expect(entries).toHaveLength(1002);
    expect(queries).toBeLessThanOrEqual(5);
    const last = entries.find((e) => e.application?.name === "svc-0999");
    expect(last).toMatchObject({ lastDeploySeq: 2, application: { releasedSeq: 1 } });
  });
});
