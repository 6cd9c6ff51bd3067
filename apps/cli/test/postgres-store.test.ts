// `berth up`, release and rollback against a server whose catalog is in PostgreSQL (`--store postgres://…`): the
// real binary in a temp git repo holding a copy of examples/hello-node, a fresh database dropped afterwards.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningServer } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test/helpers/test-server.js";
import { createTestDatabase, type TestDatabase } from "../../server/test/helpers/test-stores.js";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { helloNodeExample as example, runBerth } from "./helpers/run-berth.js";

const viaRouter = (port: number, url: string) => httpGet(port, new URL(url).host);

describe("berth up on a PostgreSQL store (real processes)", { timeout: 120_000 }, () => {
  let database: TestDatabase;
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
        BERTH_CACHE_DIR: join(dataDir, "runner-cache"),
        NO_COLOR: "1",
      },
      timeout: 60_000,
    });
  const app = (text: string) => JSON.parse(text) as { sha: string; version: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "berth-pg-server-"));
    configDir = mkdtempSync(join(tmpdir(), "berth-pg-config-"));
    repo = mkdtempSync(join(tmpdir(), "berth-pg-repo-"));
    cpSync(example, repo, { recursive: true });
    gitIn(repo, "init", "-q", "-b", "main");
    server = await startTestServer({
      dataDir,
      store: database.url,
      builtinRunner: true,
      shutdownGraceMs: 500,
    });
    const login = await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!]);
    expect(login.code).toBe(0);
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("builds, deploys and releases two versions, rolls back, and keeps the history in PostgreSQL", async () => {
    expect(server.ctx.store.dialect).toBe("postgres");
    const sha1 = commitAll(repo, "first version");
    const up1 = await berth(["up", "--json"]);
    expect(up1.stderr).toBe("");
    expect(up1.code).toBe(0);
    const [r1] = JSON.parse(up1.stdout) as { deploymentUrl: string; appUrl: string }[];
    expect(app((await viaRouter(server.routerPort, r1!.appUrl)).body).sha).toBe(sha1);

    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
    writeFileSync(join(repo, "package.json"), JSON.stringify({ ...pkg, version: "2.0.0" }, null, 2));
    const sha2 = commitAll(repo, "second version");
    expect((await berth(["up"])).code).toBe(0);
    expect(app((await viaRouter(server.routerPort, r1!.appUrl)).body)).toMatchObject({
      sha: sha2,
      version: "2.0.0",
    });

    const rollback = await berth(["rollback", "--reason", "v2 looks wrong"]);
    expect(rollback.code).toBe(0);
    expect(app((await viaRouter(server.routerPort, r1!.appUrl)).body).sha).toBe(sha1);

    const bySha = await berth(["deployments", "--sha", sha2.slice(0, 8), "--json"]);
    expect((JSON.parse(bySha.stdout) as { seq: number }[]).map((d) => d.seq)).toEqual([2]);
    // The rows are in the database itself, as another replica would read them.
    const releases = await server.ctx.store.db
      .selectFrom("releases")
      .select(["seq", "rollback_of"])
      .orderBy("seq")
      .execute();
    expect(releases.map((r) => [r.seq, r.rollback_of !== null])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    const jobs = await server.ctx.store.db.selectFrom("jobs").select(["state"]).execute();
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.filter((j) => j.state !== "success")).toEqual([]);
  });
});
