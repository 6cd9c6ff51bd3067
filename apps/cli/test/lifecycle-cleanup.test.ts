// A lifecycle that cleans up, as a new user meets it: berth.hcl retention over 20 `berth up`s, `berth scale`,
// the refusal to destroy the released deployment, `berth apps delete` and `berth projects delete` — the real
// binary against a real server (built-in runner, process platform, URL router) in this process.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploymentInstances, engineOf, type RunningServer } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test/helpers/test-server.js";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { helloNodeExample as example, runBerth } from "./helpers/run-berth.js";
import { until as pollUntil } from "./helpers/until.js";

const until = <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false) =>
  pollUntil(what, fn, 15_000, 100);

/** A process exists with this pid (signal 0 only checks). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("retention, scale and delete (real processes)", { timeout: 300_000 }, () => {
  let server: RunningServer;
  let dataDir: string;
  let configDir: string;
  let repo: string;
  const berth = (args: string[], input?: string) =>
    runBerth(args, {
      cwd: repo,
      env: {
        ...process.env,
        BERTH_CONFIG_DIR: configDir,
        BERTH_CACHE_DIR: join(dataDir, "runner-cache"),
        NO_COLOR: "1",
      },
      timeout: 60_000,
      input,
    });
  const db = () => server.ctx.store.db;
  const deployments = () =>
    db().selectFrom("deployments").select(["id", "seq", "status", "pinned"]).orderBy("seq").execute();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "berth-cleanup-server-"));
    configDir = mkdtempSync(join(tmpdir(), "berth-cleanup-config-"));
    repo = mkdtempSync(join(tmpdir(), "berth-cleanup-repo-"));
    cpSync(example, repo, { recursive: true });
    // One instance each keeps 20 deployments light; retention keeps 3 unreleased running.
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8")
      .replace('project = "examples"', 'project = "tidy"')
      .replace("count   = 2", "count   = 1")
      .replace("  config {", "  retention {\n    keep_unreleased = 3\n  }\n\n  config {");
    writeFileSync(join(repo, "berth.hcl"), hcl);
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "hello");
    server = await startTestServer({ dataDir, builtinRunner: true, shutdownGraceMs: 500 });
    const login = await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!]);
    expect(login.code).toBe(0);
  });

  afterAll(async () => {
    await server?.close();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps exactly 3 unreleased deployments running after 20 ups, plus the released and the pinned one", async () => {
    for (let i = 1; i <= 20; i++) {
      const up = await berth(["up", "--force", "--json"]);
      expect(up.stderr).toBe("");
      expect(up.code).toBe(0);
      if (i === 1) expect((await berth(["pin", "v1", "--note", "known good"])).code).toBe(0);
    }
    const rows = await deployments();
    expect(rows).toHaveLength(20);
    const running = rows.filter((d) => d.status !== "destroyed").map((d) => d.seq);
    // v20 released, v17–v19 the newest unreleased, v1 pinned; the rest destroyed, their history kept.
    expect(running).toEqual([1, 17, 18, 19, 20]);
    const live = new Set(engineOf(server.ctx).platform.liveDeployments());
    expect(rows.filter((d) => live.has(d.id)).map((d) => d.seq)).toEqual([1, 17, 18, 19, 20]);
    const destroyedByRetention = await db()
      .selectFrom("lifecycle_events")
      .select("deployment_id")
      .where("kind", "=", "deployment.destroyed")
      .where("reason", "=", "retention")
      .execute();
    expect(destroyedByRetention).toHaveLength(15);
    expect(new Set(destroyedByRetention.map((e) => e.deployment_id)).size).toBe(15);
    const list = JSON.parse((await berth(["deployments", "--json"])).stdout) as unknown[];
    expect(list).toHaveLength(20);
  });

  it("refuses to destroy the released deployment and says what to do instead", async () => {
    const refused = await berth(["destroy", "v20"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "hello-node v20 is released, so its public URL needs it: first release another deployment " +
        "(berth release vN) or roll back (berth rollback), or delete the whole app (berth apps delete hello-node)",
    );
    expect(refused.stderr).toContain("failed_precondition");
  });

  it("scales the released deployment up and down without a redeploy, and refuses bad counts", async () => {
    const v20 = (await deployments()).find((d) => d.seq === 20)!;
    const up = await berth(["scale", "v20", "--count", "3"]);
    expect(up.stderr).toBe("");
    expect(up.stdout).toBe("tidy/hello-node v20 now has 3 instance(s).\n");
    await until("3 healthy instances", () => {
      const views = deploymentInstances(server.ctx, v20.id);
      return views.length === 3 && views.every((v) => v.health === "healthy");
    });
    const ids = deploymentInstances(server.ctx, v20.id).map((v) => v.id);
    const res = await httpGet(server.routerPort, `hello-node.tidy.localhost:${server.routerPort}`);
    expect(res.status).toBe(200);

    const down = await berth(["scale", "v20", "--count", "1"]);
    expect(down.code).toBe(0);
    const left = deploymentInstances(server.ctx, v20.id);
    expect(left.map((v) => v.id)).toEqual([ids[0]]);
    // The stopped slots' entrypoint tokens are revoked; the remaining instance keeps its own.
    const tokens = await db()
      .selectFrom("tokens")
      .select(["name", "revoked_at"])
      .where("kind", "=", "entrypoint")
      .where("deployment_id", "=", v20.id)
      .execute();
    const active = (slot: number) =>
      tokens.filter((t) => t.name.endsWith(`#${slot}`) && t.revoked_at === null).length;
    expect([active(0), active(1), active(2)]).toEqual([1, 0, 0]);
    expect(tokens.filter((t) => t.name.endsWith("#2"))).not.toHaveLength(0);
    // The count is kept with the deployment: a restarted server resumes it with one instance.
    const stored = await db()
      .selectFrom("deployments")
      .select(["instance_count", "spec_json"])
      .where("id", "=", v20.id)
      .executeTakeFirstOrThrow();
    expect([stored.instance_count, JSON.parse(stored.spec_json).count]).toEqual([1, 1]);
    const rows = await db()
      .selectFrom("instances")
      .select("idx")
      .where("deployment_id", "=", v20.id)
      .execute();
    expect(rows.map((r) => r.idx)).toEqual([0]);
    const scaled = await db()
      .selectFrom("lifecycle_events")
      .select("details_json")
      .where("kind", "=", "deployment.scaled")
      .orderBy("id")
      .execute();
    expect(scaled.map((e) => JSON.parse(e.details_json))).toEqual([
      { from: 1, to: 3 },
      { from: 3, to: 1 },
    ]);

    // Two scales at once: each either happens or is told to retry; what runs is what is stored.
    const both = await Promise.all([
      berth(["scale", "v20", "--count", "2"]),
      berth(["scale", "v20", "--count", "3"]),
    ]);
    for (const r of both)
      if (r.code !== 0) expect(r.stderr).toContain("aborted: hello-node v20 changed while");
    expect(both.some((r) => r.code === 0)).toBe(true);
    const after = await db()
      .selectFrom("deployments")
      .select("instance_count")
      .where("id", "=", v20.id)
      .executeTakeFirstOrThrow();
    expect(deploymentInstances(server.ctx, v20.id)).toHaveLength(after.instance_count);
    expect((await berth(["scale", "v20", "--count", "1"])).code).toBe(0);
    expect(deploymentInstances(server.ctx, v20.id)).toHaveLength(1);

    const tooMany = await berth(["scale", "v20", "--count", "101"]);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain("count");
    expect(tooMany.stderr).toContain("invalid_argument");
    const negative = await berth(["scale", "v20", "--count=-1"]);
    expect(negative.code).toBe(1);
    expect(negative.stderr).toContain("count");
    expect(negative.stderr).toContain("invalid_argument");
    const zero = await berth(["scale", "v20", "--count", "0"]);
    expect(zero.stderr).toContain("scaling it to 0 would take hello-node's public URL down");
    const destroyed = await berth(["scale", "v2", "--count", "2"]);
    expect(destroyed.stderr).toContain("hello-node v2 is destroyed; only a running");
    const unknown = await berth(["scale", "v1", "--count", "2", "--app", "nope"]);
    expect(unknown.stderr).toContain('application "nope" not found in project "tidy"');
    expect(unknown.stderr).toContain("not_found");
  });

  it("apps delete asks for the name, then stops everything and keeps the history and audit trail", async () => {
    const live = (await deployments()).filter((d) => d.status !== "destroyed");
    const pids = live.flatMap((d) => deploymentInstances(server.ctx, d.id).map((v) => v.pid));
    expect(pids.length).toBeGreaterThanOrEqual(5);

    const wrong = await berth(["apps", "delete", "hello-node"], "hello\n");
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('not deleted: "hello" is not "hello-node"');
    const silent = await berth(["apps", "delete", "hello-node"]);
    expect(silent.stderr).toContain("no confirmation was given");
    expect((await deployments()).filter((d) => d.status !== "destroyed")).toHaveLength(live.length);

    const deleted = await berth(["apps", "delete", "hello-node"], "hello-node\n");
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain("Deleted tidy/hello-node (destroyed v1, v17, v18, v19, v20)");
    expect(engineOf(server.ctx).platform.liveDeployments()).toEqual([]);
    await until("every instance process to be gone", () => pids.every((p) => !alive(p)));
    expect((await deployments()).every((d) => d.status === "destroyed")).toBe(true);
    expect((await httpGet(server.routerPort, `hello-node.tidy.localhost:${server.routerPort}`)).status).toBe(
      404,
    );
    expect((await berth(["apps", "--project", "tidy"])).stdout).toBe(
      "No applications in project tidy yet.\n",
    );

    // History stays readable: the deployments, the life of the commit, the audit trail.
    expect(JSON.parse((await berth(["deployments", "--json"])).stdout)).toHaveLength(20);
    const audit = await berth(["audit", "--json"]);
    const actions = (JSON.parse(audit.stdout) as { action: string }[]).map((a) => a.action);
    expect(actions).toContain("application.delete");
    expect(actions).toContain("deployment.scale");
    const live2 = await berth(["live"]);
    expect(live2.stdout).toContain("hello-node: nothing was live");
  });

  it("projects delete removes every app of a revived project and hides the project", async () => {
    expect((await berth(["up", "--json"])).code).toBe(0);
    expect((await berth(["apps"])).stdout).toContain("hello-node");
    const refused = await berth(["projects", "delete", "tidy"], "nope\n");
    expect(refused.code).toBe(1);
    const gone = await berth(["projects", "delete", "tidy", "--yes"]);
    expect(gone.stderr).toBe("");
    expect(gone.stdout).toBe(
      "Deleted project tidy (hello-node; 1 deployment(s) destroyed); its history and audit trail stay.\n",
    );
    expect(engineOf(server.ctx).platform.liveDeployments()).toEqual([]);
    expect((await berth(["projects"])).stdout).not.toContain("tidy");
    const audit = await db()
      .selectFrom("audit_events")
      .select("action")
      .where("action", "=", "project.delete")
      .execute();
    expect(audit).toHaveLength(1);
  });
});
