// `berth up` twice on the same tree: the real binary in a temp git repo holding a copy of examples/hello-node,
// against a real server (built-in runner, process platform) in this process. The second run queues nothing.
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningServer } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test/helpers/test-server.js";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { helloNodeExample as example, runBerth } from "./helpers/run-berth.js";

describe("berth up on an unchanged tree (real processes)", { timeout: 240_000 }, () => {
  let server: RunningServer;
  let dataDir: string;
  let configDir: string;
  let repo: string;
  const berth = (args: string[]) =>
    runBerth(args, {
      cwd: repo,
      env: {
        ...process.env,
        BERTH_CONFIG_DIR: configDir,
        BERTH_CACHE_DIR: join(dataDir, "cli-cache"),
        NO_COLOR: "1",
      },
      timeout: 90_000,
    });
  const counts = async () => ({
    jobs: (await server.ctx.store.db.selectFrom("jobs").select("id").execute()).length,
    deployments: (await server.ctx.store.db.selectFrom("deployments").select("id").execute()).length,
  });
  /** `berth up` that must deploy: returns the new deployment's vN. */
  const upDeploys = async (...flags: string[]) => {
    const up = await berth(["up", "-q", ...flags]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).not.toContain("nothing changed");
    return Number(/--v(\d+)\./.exec(up.stdout)?.[1]);
  };
  /** `berth up` that must find nothing to do: no job queued, no deployment made. */
  const upUnchanged = async (seq: number) => {
    const before = await counts();
    const up = await berth(["up"]);
    expect(up.code, up.stderr).toBe(0);
    const sha = gitIn(repo, "rev-parse", "HEAD").slice(0, 7);
    expect(up.stdout).toContain(`nothing changed (v${seq} already serves ${sha} with this config)`);
    expect(await counts()).toEqual(before);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "berth-unchanged-server-"));
    configDir = mkdtempSync(join(tmpdir(), "berth-unchanged-config-"));
    repo = mkdtempSync(join(tmpdir(), "berth-unchanged-repo-"));
    cpSync(example, repo, { recursive: true });
    writeFileSync(
      join(repo, "berth.hcl"),
      readFileSync(join(repo, "berth.hcl"), "utf8").replace("count   = 2", "count   = 1"),
    );
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "first");
    server = await startTestServer({ dataDir, builtinRunner: true, shutdownGraceMs: 500 });
    const login = await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!]);
    expect(login.code, login.stderr).toBe(0);
  });

  afterAll(async () => {
    await server?.close();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reports nothing changed for the released commit and config; --force, a new commit, a dirty tree, a config change, another released deployment, a changed ignored berth.hcl or a missing artifact deploy", async () => {
    expect(await upDeploys()).toBe(1);
    await upUnchanged(1);

    const json = await berth(["up", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject([
      { app: "hello-node", unchanged: { seq: 1 }, timings: [] },
    ]);

    expect(await upDeploys("--force")).toBe(2);
    await upUnchanged(2);
    // v1 is released again: it too is this commit with this config, so it is what up would make.
    expect((await berth(["rollback"])).code).toBe(0);
    await upUnchanged(1);

    expect((await berth(["config", "set", "FLAVOUR=mint"])).code).toBe(0);
    expect(await upDeploys()).toBe(3);
    await upUnchanged(3);

    appendFileSync(join(repo, "NOTES.md"), "untracked\n");
    expect(await upDeploys()).toBe(4);
    commitAll(repo, "notes");
    expect(await upDeploys()).toBe(5);
    await upUnchanged(5);
    // The released deployment is another one (v4, built from a dirty tree): up deploys.
    expect((await berth(["rollback"])).code).toBe(0);
    expect(await upDeploys()).toBe(6);

    // berth.hcl ignored by git: editing it leaves the tree clean, and the changed config still deploys.
    gitIn(repo, "rm", "-q", "--cached", "berth.hcl");
    writeFileSync(join(repo, ".gitignore"), "berth.hcl\n");
    commitAll(repo, "berth.hcl is local");
    expect(await upDeploys()).toBe(7);
    writeFileSync(
      join(repo, "berth.hcl"),
      readFileSync(join(repo, "berth.hcl"), "utf8").replace("hello from berth", "hello again"),
    );
    expect(gitIn(repo, "status", "--porcelain")).toBe("");
    expect(await upDeploys()).toBe(8);
    await upUnchanged(8);

    // Its artifact gone from the server's store: up builds and pushes it again.
    const { artifact_digest } = await server.ctx.store.db
      .selectFrom("deployments")
      .select("artifact_digest")
      .where("seq", "=", 8)
      .executeTakeFirstOrThrow();
    const stored = join(dataDir, "artifacts", "sha256", `${artifact_digest?.replace("sha256:", "")}.tar.gz`);
    expect(existsSync(stored)).toBe(true);
    rmSync(stored);
    expect(await upDeploys()).toBe(9);
    await upUnchanged(9);
  });
});
