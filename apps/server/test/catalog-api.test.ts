// The catalog over real gRPC (HTTP/2) against a real server and SQLite file: projects, apps, history listings
// with filters and page tokens, and the errors a person gets for bad input.
import { createHash } from "node:crypto";
import {
  BuildService,
  BuildStatus,
  DeploymentService,
  DeploymentStatus,
  HistoryFilterSchema,
  ProjectService,
  ReleaseService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { type Client, Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { getApplication } from "../src/catalog/projects.js";
import { insertBuild, insertDeployment, insertRelease } from "../src/history/insert-history.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { storeDialects } from "./helpers/test-stores.js";

const sha = (n: number) => createHash("sha1").update(`commit ${n}`).digest("hex");

describe.each(storeDialects)("catalog API on %s", (storeDialect) => {
  let server: TestServer;
  let projects: Client<typeof ProjectService>;
  let deployments: Client<typeof DeploymentService>;
  let builds: Client<typeof BuildService>;
  let releases: Client<typeof ReleaseService>;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ storeDialect });
    const token = server.bootstrapToken!;
    projects = clientFor(server, ProjectService, token);
    deployments = clientFor(server, DeploymentService, token);
    builds = clientFor(server, BuildService, token);
    releases = clientFor(server, ReleaseService, token);

    await projects.upsertProject({ name: "shop" });
    await projects.upsertApplication({ app: { project: "shop", app: "web" }, labels: { team: "core" } });
    const db = server.ctx.store.db;
    const app = await getApplication(db, "shop", "web");
    for (let i = 1; i <= 30; i++) {
      const git = {
        sha: sha(i),
        branch: i % 2 === 0 ? "main" : "feature/cart",
        author: "Ada",
        message: `change ${i}`,
        dirty: i === 30,
      };
      const build = await insertBuild(db, { appId: app.id, status: "success", git });
      const d = await insertDeployment(db, {
        appId: app.id,
        buildId: build.id,
        status: i % 5 === 0 ? "failed" : "healthy",
        git,
      });
      ids.push(d.id);
    }
    const release = await insertRelease(db, {
      appId: app.id,
      targets: [{ deploymentId: ids[27]!, weight: 100 }],
    });
    await db
      .updateTable("applications")
      .set({ current_release_id: release.id })
      .where("id", "=", app.id)
      .execute();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("lists projects and apps with the released deployment and public URL", async () => {
    const { projects: list } = await projects.listProjects({});
    expect(list.map((p) => [p.name, p.applications])).toEqual([["shop", ["web"]]]);
    const { application } = await projects.getApplication({ app: { project: "shop", app: "web" } });
    expect(application?.labels).toEqual({ team: "core" });
    expect(application?.releasedSeq).toBe(28);
    expect(application?.releasedDeploymentId).toBe(ids[27]);
    expect(application?.url).toMatch(/^http:\/\/web\.shop\.localhost:\d+$/);
  });

  it("pages through deployments newest first with opaque page tokens", async () => {
    const seen: number[] = [];
    let pageToken = "";
    do {
      const res = await deployments.listDeployments({
        app: { project: "shop", app: "web" },
        pageSize: 12,
        pageToken,
      });
      seen.push(...res.deployments.map((d) => d.seq));
      pageToken = res.nextPageToken;
    } while (pageToken !== "");
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
  });

  it("finds deployments by SHA prefix, branch and status, with git provenance", async () => {
    const app = { project: "shop", app: "web" };
    const bySha = await deployments.listDeployments({
      app,
      filter: create(HistoryFilterSchema, { shaPrefix: sha(17).slice(0, 8) }),
    });
    expect(bySha.deployments.map((d) => d.seq)).toEqual([17]);
    const d = bySha.deployments[0]!;
    expect(d.git).toMatchObject({
      sha: sha(17),
      branch: "feature/cart",
      author: "Ada",
      message: "change 17",
    });
    expect(d.url).toMatch(/^http:\/\/web--v17\.shop\.localhost:\d+$/);

    const failedOnMain = await deployments.listDeployments({
      app,
      filter: create(HistoryFilterSchema, { branch: "main" }),
      statuses: [DeploymentStatus.FAILED],
      pageSize: 2,
    });
    expect(failedOnMain.deployments.map((x) => x.seq)).toEqual([30, 20]);
    const rest = await deployments.listDeployments({
      app,
      filter: create(HistoryFilterSchema, { branch: "main" }),
      statuses: [DeploymentStatus.FAILED],
      pageSize: 2,
      pageToken: failedOnMain.nextPageToken,
    });
    expect(rest.deployments.map((x) => x.seq)).toEqual([10]);
    expect(rest.nextPageToken).toBe("");

    const released = await deployments.getDeployment({ app, seq: 28 });
    expect(released.deployment?.released).toBe(true);
    expect((await deployments.getDeployment({ id: ids[0]! })).deployment?.released).toBe(false);
  });

  it("lists builds and releases with the same filters", async () => {
    const app = { project: "shop", app: "web" };
    const b = await builds.listBuilds({
      app,
      filter: create(HistoryFilterSchema, { shaPrefix: sha(3).slice(0, 6) }),
    });
    expect(b.builds.map((x) => [x.seq, x.status])).toEqual([[3, BuildStatus.SUCCESS]]);
    const r = await releases.listReleases({
      app,
      filter: create(HistoryFilterSchema, { shaPrefix: sha(28) }),
    });
    expect(r.releases.map((x) => x.targets[0]?.seq)).toEqual([28]);
    expect(r.releases[0]?.targets[0]?.git?.sha).toBe(sha(28));
  });

  it("rejects bad input naming the field, and unknown apps naming the app", async () => {
    const app = { project: "shop", app: "web" };
    const empty = await errorOf(projects.upsertProject({ name: "" }));
    expect(empty.code).toBe(Code.InvalidArgument);
    expect(empty.message).toMatch(/name/);
    const long = await errorOf(projects.upsertProject({ name: "a".repeat(64) }));
    expect(long.code).toBe(Code.InvalidArgument);
    expect(long.message).toMatch(/name/);

    const badSha = await errorOf(
      deployments.listDeployments({ app, filter: create(HistoryFilterSchema, { shaPrefix: "xyz!" }) }),
    );
    expect(badSha.code).toBe(Code.InvalidArgument);
    expect(badSha.message).toMatch(/sha_prefix/);

    const huge = await errorOf(deployments.listDeployments({ app, pageSize: 10 ** 9 }));
    expect(huge.code).toBe(Code.InvalidArgument);
    expect(huge.message).toMatch(/page_size/);

    const garbled = await errorOf(deployments.listDeployments({ app, pageToken: "not-a-token" }));
    expect(garbled.code).toBe(Code.InvalidArgument);
    expect(garbled.message).toMatch(/page_token/);

    const unknown = await errorOf(deployments.listDeployments({ app: { project: "shop", app: "nope" } }));
    expect(unknown.code).toBe(Code.NotFound);
    expect(unknown.message).toMatch(/"nope"/);

    const missing = await errorOf(deployments.getDeployment({ app, seq: 999 }));
    expect(missing.code).toBe(Code.NotFound);
    expect(missing.message).toMatch(/v999/);
  });

  it("lets a viewer read but not write", async () => {
    const viewer = await issueToken(server.ctx.store.db, { kind: "login", role: "viewer", name: "vera" });
    const asViewer = clientFor(server, ProjectService, viewer.secret);
    expect((await asViewer.listProjects({})).projects).toHaveLength(1);
    const denied = await errorOf(asViewer.upsertProject({ name: "other" }));
    expect(denied.code).toBe(Code.PermissionDenied);
  });
});
