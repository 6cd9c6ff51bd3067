// `berth init && berth up` as a new user would run it: the real binary in a temp git repo holding a copy of
// examples/hello-node, against a real server (built-in runner, process platform, URL router) in this process.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploymentInstances, type RunningServer } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test/helpers/test-server.js";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { helloNodeExample as example, runBerth } from "./helpers/run-berth.js";
import { until as pollUntil } from "./helpers/until.js";

/** GET through the URL router with a Host header, as a browser resolving *.localhost would. */
const viaRouter = (port: number, url: string) => httpGet(port, new URL(url).host);

const until = <T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
) => pollUntil(what, fn, ms, 100);

// Each step runs the real binary (a Node start through tsx): generous timeouts for a loaded machine.
describe("berth up, release, rollback, destroy (real processes)", { timeout: 120_000 }, () => {
  let server: RunningServer;
  let dataDir: string;
  let configDir: string;
  let repo: string;
  const env = () => ({
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "runner-cache"),
    NO_COLOR: "1",
  });
  const berth = (args: string[]) =>
    runBerth(args, { cwd: repo, env: { ...process.env, ...env() }, timeout: 60_000 });
  const git = (...args: string[]) => gitIn(repo, ...args);
  const commit = (message: string) => commitAll(repo, message);
  const app = (text: string) => JSON.parse(text) as { sha: string; version: string; greeting: string };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "berth-ship-server-"));
    configDir = mkdtempSync(join(tmpdir(), "berth-ship-config-"));
    repo = mkdtempSync(join(tmpdir(), "berth-ship-repo-"));
    cpSync(example, repo, { recursive: true });
    rmSync(join(repo, "berth.hcl"));
    git("init", "-q", "-b", "main");
    // The built-in runner takes the deploy and release jobs; the CLI builds from its working tree.
    server = await startTestServer({ dataDir, builtinRunner: true, shutdownGraceMs: 500 });
    const login = await berth([
      "login",
      "--server",
      server.apiUrl,
      "--token",
      server.bootstrapToken!,
      "--name",
      "t",
    ]);
    expect(login.code).toBe(0);
  });

  afterAll(async () => {
    await server?.close();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("init + up serves the commit at the deployment URL; up again releases v2 and keeps v1; rollback; --sha finds each", async () => {
    const init = await berth(["init", "--project", "demo"]);
    expect(init.stderr).toBe("");
    expect(init.stdout).toContain("Wrote berth.hcl for demo/hello-node");
    const sha1 = commit("first version");

    const up1 = await berth(["up", "--json"]);
    expect(up1.stderr).toBe("");
    expect(up1.code).toBe(0);
    const [r1] = JSON.parse(up1.stdout) as {
      deploymentUrl: string;
      appUrl: string;
      timings: { phase: string }[];
    }[];
    expect(r1!.deploymentUrl).toBe(`http://hello-node--v1.demo.localhost:${server.routerPort}`);
    expect(r1!.timings.map((t) => t.phase)).toEqual(["build", "deploy", "release"]);
    const v1 = await viaRouter(server.routerPort, r1!.deploymentUrl);
    expect(v1.status).toBe(200);
    expect(app(v1.body)).toMatchObject({ sha: sha1, greeting: "hello from berth" });

    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
    writeFileSync(join(repo, "package.json"), JSON.stringify({ ...pkg, version: "2.0.0" }, null, 2));
    const sha2 = commit("second version");
    const up2 = await berth(["up"]);
    expect(up2.code).toBe(0);
    expect(up2.stdout).toContain(`Deployment URL: http://hello-node--v2.demo.localhost:${server.routerPort}`);
    expect(up2.stdout).toContain(`App URL:        ${r1!.appUrl}`);
    expect(app((await viaRouter(server.routerPort, r1!.appUrl)).body)).toMatchObject({
      sha: sha2,
      version: "2.0.0",
    });
    expect(app((await viaRouter(server.routerPort, r1!.deploymentUrl)).body).sha).toBe(sha1);

    const rollback = await berth(["rollback", "--reason", "v2 looks wrong"]);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain("Rolled back demo/hello-node → v1");
    expect(app((await viaRouter(server.routerPort, r1!.appUrl)).body).sha).toBe(sha1);

    const canary = await berth(["release", "v2", "--canary", "50"]);
    expect(canary.stdout).toContain("Released demo/hello-node → v1 50% + v2 50%");
    const shas = new Set<string>();
    for (let i = 0; i < 40 && shas.size < 2; i++)
      shas.add(app((await viaRouter(server.routerPort, r1!.appUrl)).body).sha);
    expect([...shas].sort()).toEqual([sha1, sha2].sort());
    expect((await berth(["release", "v1"])).code).toBe(0);

    const bySha1 = await berth(["deployments", "--sha", sha1.slice(0, 8), "--json"]);
    const [d1] = JSON.parse(bySha1.stdout) as { seq: number; timings: { phase: string }[] }[];
    expect(d1!.seq).toBe(1);
    // The deployment's phase chart: its build, the push, its own deploy and health, its first release.
    expect(d1!.timings.map((t) => t.phase)).toEqual(["build", "push", "deploy", "health", "release"]);
    const bySha2 = await berth(["deployments", "--sha", sha2.slice(0, 8), "--json"]);
    expect((JSON.parse(bySha2.stdout) as { seq: number }[]).map((d) => d.seq)).toEqual([2]);

    // The life of sha2 as the lifecycle log recorded it through the real jobs: built, pushed, deployed, healthy,
    // released, rolled back (with the reason), canaried at 50 %, taken off again.
    const life = JSON.parse((await berth(["sha", sha2.slice(0, 8), "--json"])).stdout) as {
      events: { kind: string; reason: string; targets: { deploymentSeq: number; weight: number }[] }[];
    };
    expect(life.events.map((e) => e.kind)).toEqual([
      "build.started",
      "artifact.pushed",
      "build.succeeded",
      "deployment.created",
      "deployment.healthy",
      "release",
      "rollback",
      "release",
      "release",
    ]);
    expect(life.events.find((e) => e.kind === "rollback")?.reason).toBe("v2 looks wrong");
    expect(life.events[7]?.targets.map((t) => [t.deploymentSeq, t.weight])).toEqual([
      [1, 50],
      [2, 50],
    ]);
  });

  it("restarts an instance killed with SIGKILL and the deployment recovers to healthy", async () => {
    const status = JSON.parse((await berth(["status", "--json"])).stdout) as {
      deployments: { id: string; seq: number; status: string }[];
    }[];
    const v1 = status[0]!.deployments.find((d) => d.seq === 1)!;
    const [victim] = deploymentInstances(server.ctx, v1.id);
    process.kill(victim!.pid, "SIGKILL");
    await until(
      "v1 to become unhealthy or restart",
      () => deploymentInstances(server.ctx, v1.id)[0]!.restarts > 0,
    );
    await until("v1 healthy again", async () => {
      const row = await server.ctx.store.db
        .selectFrom("deployments")
        .select("status")
        .where("id", "=", v1.id)
        .executeTakeFirst();
      return (
        row?.status === "healthy" &&
        deploymentInstances(server.ctx, v1.id).every((i) => i.health === "healthy")
      );
    });
    const again = deploymentInstances(server.ctx, v1.id)[0]!;
    expect(again.pid).not.toBe(victim!.pid);
    expect(again.health).toBe("healthy");
    // The crash is on the lifecycle record, once.
    const crashes = () =>
      server.ctx.store.db
        .selectFrom("lifecycle_events")
        .select("details_json")
        .where("deployment_id", "=", v1.id)
        .where("kind", "=", "instance.crashed")
        .execute();
    await until("the crash to be recorded", async () => (await crashes()).length > 0);
    expect((await crashes()).map((c) => JSON.parse(c.details_json).instanceId)).toEqual([victim!.id]);
  });

  it("refuses to destroy the released deployment, destroys another, and refuses to release a destroyed one", async () => {
    const refused = await berth(["destroy", "v1"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "hello-node v1 is released, so its public URL needs it: first release another deployment " +
        "(berth release vN) or roll back (berth rollback), or delete the whole app (berth apps delete hello-node)",
    );
    const destroyed = await berth(["destroy", "v2"]);
    expect(destroyed.code).toBe(0);
    const release = await berth(["release", "v2"]);
    expect(release.code).toBe(1);
    expect(release.stderr).toMatch(/hello-node v2 is destroyed and cannot be released/);
    expect((await viaRouter(server.routerPort, `http://hello-node--v2.demo.localhost`)).status).toBe(404);
    const audit = await server.ctx.store.db
      .selectFrom("audit_events")
      .select(["action", "actor_name"])
      .orderBy("id")
      .execute();
    const actions = audit.map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["release.create", "release.rollback", "deployment.destroy"]),
    );
    expect(audit.find((a) => a.action === "release.rollback")?.actor_name).toBe("bootstrap");
  });

  it("a deploy whose health check never passes ends unhealthy and is not released", async () => {
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8");
    writeFileSync(
      join(repo, "berth.hcl"),
      hcl
        .replace('path     = "/"', 'path     = "/nope"')
        // Long enough for `npm start` to listen on a loaded machine, so the check fails on the 500, not on a refusal.
        .replace('interval = "1s"', 'interval = "100ms"\n        start_timeout = "10s"'),
    );
    writeFileSync(
      join(repo, "server.js"),
      readFileSync(join(repo, "server.js"), "utf8").replace(
        'if (req.url === "/healthz")',
        'if (req.url === "/nope") { res.writeHead(500); res.end(); return; }\n  if (req.url === "/healthz")',
      ),
    );
    commit("a broken health check");
    const up = await berth(["up"]);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(
      /deploy error: v3 is unhealthy: health check did not pass within 10s: GET \/nope answered 500/,
    );
    const s = JSON.parse((await berth(["status", "--json"])).stdout) as {
      releasedSeq: number;
      deployments: { seq: number; status: string }[];
    }[];
    expect(s[0]!.releasedSeq).toBe(1);
    expect(s[0]!.deployments.find((d) => d.seq === 3)?.status).toBe("unhealthy");
    const refused = await berth(["release", "v3"]);
    expect(refused.stderr).toContain(
      "hello-node v3 is unhealthy, not healthy; release refused (use --force to release it anyway)",
    );
    const forced = await berth(["release", "v3", "--force", "--reason", "testing"]);
    expect(forced.stdout).toContain("(release #");
    expect(forced.stdout).toContain("forced)");
    expect((await berth(["release", "v1"])).code).toBe(0);
  });

  it("points at berth.hcl:line:col for a malformed file and lists known platforms", async () => {
    writeFileSync(
      join(repo, "berth.hcl"),
      'project = "demo"\napp "hello-node" {\n  deploy {\n    use "nomadd" {\n',
    );
    const broken = await berth(["up"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/berth\.hcl:\d+:\d+: Unclosed configuration block/);
    writeFileSync(
      join(repo, "berth.hcl"),
      'project = "demo"\napp "hello-node" {\n  build {\n    use "archive" {}\n  }\n  deploy {\n    use "nomadd" {}\n  }\n}\n',
    );
    const unknown = await berth(["up"]);
    expect(unknown.stderr).toContain('berth.hcl:7:9: unknown deploy plugin "nomadd"; known: process');
  });
});
