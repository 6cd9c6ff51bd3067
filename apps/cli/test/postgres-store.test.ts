// `berth up`, release and rollback against a server whose catalog is in PostgreSQL (`--store postgres://…`): the
// real binary in a temp git repo holding a copy of examples/hello-node, a fresh database dropped afterwards.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningServer } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../server/src/store/open-store.js";
import { startTestServer } from "../../server/test/helpers/test-server.js";
import { createTestDatabase, type TestDatabase } from "../../server/test/helpers/test-stores.js";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { helloNodeExample as example, runBerth } from "./helpers/run-berth.js";
import { killProcess, startServerProcess } from "./helpers/server-process.js";

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

describe("berth server run --store", { timeout: 60_000 }, () => {
  it("refuses an unreachable or malformed URL in one line, without the password, and exits non-zero", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "berth-pg-bad-"));
    try {
      const run = (store: string) =>
        runBerth(
          ["server", "run", "--data-dir", dataDir, "--port", "0", "--router-port", "0", "--store", store],
          {
            env: { ...process.env, BERTH_LOG_LEVEL: "silent", NO_COLOR: "1" },
            timeout: 30_000,
          },
        );
      const unreachable = await run("postgres://berth:hunter2@127.0.0.1:1/berth");
      expect(unreachable.code).not.toBe(0);
      expect(unreachable.stderr.trim()).toBe(
        "berth: cannot connect to PostgreSQL at postgres://berth:***@127.0.0.1:1/berth: connect ECONNREFUSED 127.0.0.1:1",
      );
      const noDatabase = await run("postgres://berth:hunter2@127.0.0.1:5432");
      expect(noDatabase.code).not.toBe(0);
      expect(noDatabase.stderr).toContain("names no database");
      expect(noDatabase.stderr + unreachable.stderr).not.toContain("hunter2");
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("takes the URL from BERTH_STORE and migrates the database", async () => {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), "berth-pg-env-"));
    try {
      const server = await startServerProcess({
        dataDir,
        apiPort: 0,
        routerPort: 0,
        env: { ...process.env, BERTH_STORE: database.url },
      });
      try {
        expect(server.ready.bootstrapToken).toMatch(/^berth_/);
        // Read back through a second connection, as another server would.
        const store = await openStore({ url: database.url });
        try {
          const tokens = await store.db.selectFrom("tokens").select(["kind", "role"]).execute();
          expect(tokens).toEqual([{ kind: "login", role: "admin" }]);
        } finally {
          await store.close();
        }
      } finally {
        await killProcess(server, "SIGINT");
      }
    } finally {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}-apps`, { recursive: true, force: true });
    }
  });
});
