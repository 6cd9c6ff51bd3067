import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStore, storeDialects, type TestStore } from "../../test/helpers/test-stores.js";
import { upsertApplication } from "../catalog/projects.js";
import type { Store } from "../store/open-store.js";
import { insertBuild, insertDeployment, insertDeployments, insertRelease } from "./insert-history.js";
import { listBuildRows, listDeploymentRows, listReleaseRows } from "./list-history.js";

const sha = (n: number) => n.toString(16).padStart(4, "0").repeat(10);

describe.each(storeDialects)("history listings on %s", (dialect) => {
  let opened: TestStore;
  let store: Store;
  let appId: string;

  beforeEach(async () => {
    opened = await openTestStore(dialect);
    store = opened.store;
    appId = (await upsertApplication(store.db, { project: "shop", app: "web", labels: {}, configJson: "" }))
      .id;
    for (let i = 1; i <= 12; i++) {
      await insertDeployment(store.db, {
        appId,
        status: i % 3 === 0 ? "failed" : "healthy",
        git: { sha: sha(i), branch: i % 2 === 0 ? "main" : "feature/x", message: `commit ${i}: fix 50% off` },
        createdAt: 1_000 * i,
      });
    }
  });

  afterEach(async () => {
    await opened.dispose();
  });

  it("numbers deployments per app and lists them newest first across pages", async () => {
    const first = await listDeploymentRows(store.db, appId, { pageSize: 5 });
    expect(first.rows.map((r) => r.seq)).toEqual([12, 11, 10, 9, 8]);
    expect(first.nextPageToken).not.toBe("");
    const rest = await listDeploymentRows(store.db, appId, { pageSize: 100, beforeSeq: 8 });
    expect(rest.rows.map((r) => r.seq)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(rest.nextPageToken).toBe("");
  });

  it("filters by SHA prefix, branch, status, text and time", async () => {
    const bySha = await listDeploymentRows(store.db, appId, { shaPrefix: sha(10).slice(0, 7), pageSize: 50 });
    expect(bySha.rows.map((r) => r.seq)).toEqual([10]);
    const byBranch = await listDeploymentRows(store.db, appId, { branch: "main", pageSize: 50 });
    expect(byBranch.rows.map((r) => r.seq)).toEqual([12, 10, 8, 6, 4, 2]);
    const failedOnMain = await listDeploymentRows(store.db, appId, {
      branch: "main",
      statuses: ["failed"],
      pageSize: 50,
    });
    expect(failedOnMain.rows.map((r) => r.seq)).toEqual([12, 6]);
    const byText = await listDeploymentRows(store.db, appId, { text: "COMMIT 1", pageSize: 50 });
    expect(byText.rows.map((r) => r.seq)).toEqual([12, 11, 10, 1]);
    const noWildcard = await listDeploymentRows(store.db, appId, { text: "5_%", pageSize: 50 });
    expect(noWildcard.rows).toEqual([]);
    const byTime = await listDeploymentRows(store.db, appId, {
      sinceMs: 3_000,
      untilMs: 5_000,
      pageSize: 50,
    });
    expect(byTime.rows.map((r) => r.seq)).toEqual([5, 4, 3]);
  });

  it("lists builds and releases, releases filtered through their target deployments", async () => {
    await insertBuild(store.db, { appId, status: "success", git: { sha: sha(1), branch: "main" } });
    await insertBuild(store.db, { appId, status: "failed", git: { sha: sha(2), branch: "main" } });
    const builds = await listBuildRows(store.db, appId, { statuses: ["success"], pageSize: 50 });
    expect(builds.rows.map((r) => [r.seq, r.git_sha])).toEqual([[1, sha(1)]]);

    const deployments = (await listDeploymentRows(store.db, appId, { pageSize: 50 })).rows;
    const bySeq = new Map(deployments.map((d) => [d.seq, d.id]));
    await insertRelease(store.db, { appId, targets: [{ deploymentId: bySeq.get(2)!, weight: 100 }] });
    await insertRelease(store.db, { appId, targets: [{ deploymentId: bySeq.get(5)!, weight: 100 }] });
    const all = await listReleaseRows(store.db, appId, { pageSize: 50 });
    expect(all.rows.map((r) => r.seq)).toEqual([2, 1]);
    const bySha = await listReleaseRows(store.db, appId, { shaPrefix: sha(5).slice(0, 8), pageSize: 50 });
    expect(bySha.rows.map((r) => r.seq)).toEqual([2]);
    const byBranch = await listReleaseRows(store.db, appId, { branch: "main", pageSize: 50 });
    expect(byBranch.rows.map((r) => r.seq)).toEqual([1]);
  });

  it("bulk-inserts deployments with explicit seqs in one transaction", async () => {
    const other = (
      await upsertApplication(store.db, { project: "shop", app: "api", labels: {}, configJson: "" })
    ).id;
    await insertDeployments(
      store,
      Array.from({ length: 300 }, (_, i) => ({
        appId: other,
        seq: i + 1,
        git: { sha: sha(i + 1) },
        createdAt: i,
      })),
    );
    const page = await listDeploymentRows(store.db, other, { pageSize: 2 });
    expect(page.rows.map((r) => [r.seq, r.git_sha])).toEqual([
      [300, sha(300)],
      [299, sha(299)],
    ]);
    const ids = (
      await store.db.selectFrom("deployments").select("id").where("app_id", "=", other).execute()
    ).map((r) => r.id);
    expect(new Set(ids).size).toBe(300);
  });
});
