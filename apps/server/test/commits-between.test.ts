// The commits between two deployments over real gRPC against a real server and SQLite file: the history
// arrives as QueueJob ancestry (as `berth up` sends it) and ListCommitsBetween walks it.
import { createHash } from "node:crypto";
import {
  DeploymentService,
  type GitCommit,
  GitCommitSchema,
  JobKind,
  JobService,
  ProjectService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Client, Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getApplication } from "../src/catalog/projects.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { storeDialects } from "./helpers/test-stores.js";

const sha = (name: string) => createHash("sha1").update(name).digest("hex");
const app = { project: "shop", app: "web" };

/** A first-parent line of commits `${prefix}1` (its root, or a child of `base`) to `${prefix}${n}`, newest first. */
function line(prefix: string, n: number, base?: string): GitCommit[] {
  const commits: GitCommit[] = [];
  for (let i = 1; i <= n; i++)
    commits.unshift(
      create(GitCommitSchema, {
        sha: sha(`${prefix}${i}`),
        parentSha: i > 1 ? sha(`${prefix}${i - 1}`) : base ? sha(base) : "",
        author: "Ada <ada@example.com>",
        subject: `${prefix} ${i}`,
        commitTime: timestampFromMs(Date.UTC(2026, 10, 1) + i * 60_000),
      }),
    );
  return commits;
}

describe.each(storeDialects)("ListCommitsBetween on %s", (storeDialect) => {
  let server: TestServer;
  let jobs: Client<typeof JobService>;
  let deployments: Client<typeof DeploymentService>;
  const seqOf = new Map<string, number>();

  /** Sends ancestry the way the CLI does: on a queued job, at most 100 commits each. */
  const push = async (ancestry: GitCommit[]) => {
    for (let i = 0; i < ancestry.length; i += 100)
      await jobs.queueJob({
        app,
        kind: JobKind.BUILD,
        targetRunnerId: "01NOTCONNECTED",
        git: { sha: ancestry[i]!.sha },
        ancestry: ancestry.slice(i, i + 100),
      });
  };
  const between = (from: string, to: string) =>
    deployments.listCommitsBetween({ app, fromSeq: seqOf.get(from)!, toSeq: seqOf.get(to)! });
  const subjects = (cs: GitCommit[]) => cs.map((c) => c.subject);

  beforeAll(async () => {
    server = await startTestServer({ storeDialect });
    const token = server.bootstrapToken!;
    jobs = clientFor(server, JobService, token);
    deployments = clientFor(server, DeploymentService, token);
    const projects = clientFor(server, ProjectService, token);
    await projects.upsertProject({ name: "shop" });
    await projects.upsertApplication({ app });
    // main: m1..m5; a branch b1..b2 off m3; an unrelated root u1..u2; a long line l1..l250.
    await push(line("m", 2));
    await push(line("m", 5));
    await push(line("b", 2, "m3"));
    await push(line("u", 2));
    await push(line("l", 250));
    const { id: appId } = await getApplication(server.ctx.store.db, "shop", "web");
    for (const name of ["m2", "m5", "b2", "u2", "l10", "l150", "l250", "m3", "never-recorded", ""])
      seqOf.set(
        name,
        (await insertDeployment(server.ctx.store.db, { appId, git: { sha: name ? sha(name) : "" } })).seq,
      );
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("lists the commits a release adds, newest first, with their details", async () => {
    const r = await between("m2", "m5");
    expect(subjects(r.added)).toEqual(["m 5", "m 4", "m 3"]);
    expect(r.removed).toEqual([]);
    expect(r.added[0]).toMatchObject({
      sha: sha("m5"),
      parentSha: sha("m4"),
      author: "Ada <ada@example.com>",
    });
    expect(r.added[0]!.commitTime?.seconds).toBe(BigInt((Date.UTC(2026, 10, 1) + 5 * 60_000) / 1000));
  });

  it("lists the commits a rollback removes", async () => {
    const r = await between("m5", "m2");
    expect(subjects(r.removed)).toEqual(["m 5", "m 4", "m 3"]);
    expect(r.added).toEqual([]);
  });

  it("lists nothing between a deployment and itself", async () => {
    const r = await between("m5", "m5");
    expect([r.added, r.removed, r.truncated, r.unrelated, r.historyMissing]).toEqual([
      [],
      [],
      false,
      false,
      false,
    ]);
  });

  it("splits diverged histories at their nearest common commit", async () => {
    const r = await between("m5", "b2");
    expect(subjects(r.added)).toEqual(["b 2", "b 1"]);
    expect(subjects(r.removed)).toEqual(["m 5", "m 4"]);
  });

  it("says when histories are unrelated", async () => {
    const r = await between("m5", "u2");
    expect([r.added, r.removed, r.unrelated, r.truncated]).toEqual([[], [], true, false]);
  });

  it("walks at most 200 commits on each side", async () => {
    const near = await between("l10", "l150");
    expect(near.added).toHaveLength(140);
    expect(near.truncated).toBe(false);
    const far = await between("l10", "l250");
    expect([far.added, far.truncated, far.unrelated]).toEqual([[], true, false]);
  });

  it("says when no history was recorded", async () => {
    expect((await between("never-recorded", "m5")).historyMissing).toBe(true);
    expect((await between("", "m5")).historyMissing).toBe(true);
    // An old deployment that is in the newer one's history needs nothing recorded of its own.
    expect(subjects((await between("m5", "m3")).removed)).toEqual(["m 5", "m 4"]);
  });

  it("refuses bad ancestry and unknown deployments, naming them", async () => {
    const bad = create(GitCommitSchema, { sha: "HEAD", subject: "x" });
    const err = await errorOf(
      jobs.queueJob({ app, kind: JobKind.BUILD, targetRunnerId: "x", ancestry: [bad] }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/ancestry\[0\]\.sha/);
    const tooMany = await errorOf(
      jobs.queueJob({ app, kind: JobKind.BUILD, targetRunnerId: "x", ancestry: line("t", 101) }),
    );
    expect(tooMany.rawMessage).toMatch(/ancestry/);
    const missing = await errorOf(deployments.listCommitsBetween({ app, fromSeq: 1, toSeq: 999 }));
    expect([missing.code, missing.rawMessage]).toEqual([
      Code.NotFound,
      "deployment v999 of shop/web not found",
    ]);
  });
});
