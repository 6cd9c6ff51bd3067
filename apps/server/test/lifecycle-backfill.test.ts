// Migration 004 backfills the lifecycle log and live intervals from a store written before it existed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { liveAt } from "../src/lifecycle-log/live-at.js";
import * as initial from "../src/store/migrations/001-initial.js";
import * as gitCommits from "../src/store/migrations/002-git-commits.js";
import * as tokenParents from "../src/store/migrations/003-token-parents.js";
import { openStore } from "../src/store/open-store.js";
import type { Database } from "../src/store/schema.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const git = (c: string) => ({
  git_sha: c.repeat(40),
  git_branch: "main",
  git_author: "ada",
  git_message: "m",
  git_commit_time: null,
  git_dirty: 0,
});

describe("migration 004 backfill", () => {
  it("rebuilds events and live intervals from builds, deployments, releases, config and audit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-backfill-"));
    dirs.push(dir);
    const path = join(dir, "berth.db");
    const old = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(path) }) });
    const migrator = new Migrator({
      db: old,
      provider: {
        getMigrations: async () => ({
          "001-initial": initial,
          "002-git-commits": gitCommits,
          "003-token-parents": tokenParents,
        }),
      },
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await old.insertInto("projects").values({ name: "shop", created_at: 1, updated_at: 1 }).execute();
    await old
      .insertInto("applications")
      .values({
        id: "A",
        project: "shop",
        name: "web",
        labels_json: "{}",
        config_json: "{}",
        current_release_id: "R2",
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    await old
      .insertInto("builds")
      // A row as migration 003 knew it (no trigger column yet).
      .values({
        id: "B1",
        app_id: "A",
        seq: 1,
        status: "success",
        builder: "archive",
        artifact_digest: "sha256:x",
        artifact_size: 10,
        job_id: "J1",
        created_at: 100,
        finished_at: 150,
        timings_json: "[]",
        error: "",
        ...git("a"),
      } as never)
      .execute();
    const dep = (id: string, seq: number, c: string, extra: object) => ({
      id,
      app_id: "A",
      seq,
      status: "healthy",
      build_id: "B1",
      artifact_digest: null,
      artifact_size: null,
      platform: "process",
      instance_count: 1,
      spec_json: "{}",
      config_revision: 0,
      job_id: null,
      created_at: 200 + seq,
      finished_at: 250 + seq,
      destroyed_at: null,
      timings_json: "[]",
      error: "",
      ...git(c),
      ...extra,
    });
    await old
      .insertInto("deployments")
      // Rows as migration 003 knew them (no pinned/note columns yet).
      .values([dep("D1", 1, "a", { status: "destroyed", destroyed_at: 900 }), dep("D2", 2, "b", {})] as never)
      .execute();
    const rel = (id: string, seq: number, targets: object, at: number, rollbackOf: string | null) => ({
      id,
      app_id: "A",
      seq,
      targets_json: JSON.stringify(targets),
      actor_token_id: "t",
      actor_name: "ada",
      reason: rollbackOf ? "bad" : "",
      rollback_of: rollbackOf,
      forced: 0,
      created_at: at,
    });
    await old
      .insertInto("releases")
      .values([
        rel("R1", 1, [{ deploymentId: "D1", weight: 100 }], 300, null),
        rel(
          "R2",
          2,
          [
            { deploymentId: "D1", weight: 80 },
            { deploymentId: "D2", weight: 20 },
          ],
          400,
          null,
        ),
      ])
      .execute();
    await old
      .insertInto("audit_events")
      .values({
        id: "E1",
        time: 900,
        actor_token_id: "t2",
        actor_name: "bob",
        action: "deployment.destroy",
        project: "shop",
        app: "web",
        target: "D1",
        details_json: "{}",
      })
      .execute();
    await old
      .insertInto("config_revisions")
      .values({
        project: "shop",
        revision: 1,
        app: "",
        actor_token_id: "t",
        actor_name: "ada",
        created_at: 500,
        changes_json: "[]",
        snapshot_json: "[]",
        restored_from: null,
      })
      .execute();
    await old.destroy();

    const store = await openStore({ path });
    try {
      const events = await store.db
        .selectFrom("lifecycle_events")
        .select(["kind", "time", "actor_name", "app_id"])
        .orderBy("time")
        .orderBy("id")
        .execute();
      expect(events.map((e) => `${e.time} ${e.kind} ${e.actor_name}`)).toEqual([
        "100 build.started ",
        "150 artifact.pushed ",
        "150 build.succeeded ",
        "201 deployment.created ",
        "202 deployment.created ",
        "251 deployment.healthy ",
        "252 deployment.healthy ",
        "300 release ada",
        "400 release ada",
        "500 config.applied ada",
        "900 deployment.destroyed bob",
      ]);
      expect(events.find((e) => e.kind === "config.applied")?.app_id).toBeNull();
      expect(await liveAt(store.db, "A", 299)).toEqual([]);
      expect((await liveAt(store.db, "A", 350)).map((i) => [i.deployment_id, i.weight, i.to_time])).toEqual([
        ["D1", 100, 400],
      ]);
      expect(
        (await liveAt(store.db, "A", 10_000)).map((i) => [i.deployment_id, i.weight, i.to_time]),
      ).toEqual([
        ["D1", 80, null],
        ["D2", 20, null],
      ]);
    } finally {
      await store.close();
    }
  });
});
