// The real `berth` binary as a child process against a real server (HTTP/2, SQLite file in a temp dir).
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertDeployment, issueToken, upsertApplication } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { runBerth } from "./helpers/run-berth.js";

const sha = (n: number) => createHash("sha1").update(`cli ${n}`).digest("hex");

describe("berth CLI", () => {
  let server: TestServer;
  let configDir: string;
  let cwd: string;

  const berth = (args: string[], env: Record<string, string> = {}, dir = cwd) =>
    runBerth(args, {
      cwd: dir,
      env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1", ...env },
      timeout: 20_000,
    });

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), "berth-cli-config-"));
    cwd = mkdtempSync(join(tmpdir(), "berth-cli-cwd-"));
    server = await startTestServer({ shutdownGraceMs: 500 });
    const db = server.ctx.store.db;
    const app = await upsertApplication(db, { project: "shop", app: "web", labels: {}, configJson: "" });
    for (let i = 1; i <= 8; i++) {
      await insertDeployment(db, {
        appId: app.id,
        status: i === 8 ? "deploying" : "healthy",
        git: {
          sha: sha(i),
          branch: i % 2 ? "main" : "feat/x",
          author: "Ada",
          message: `change number ${i}`,
          dirty: i === 3,
        },
        createdAt: Date.now() - (9 - i) * 60_000,
      });
    }
  });

  afterAll(async () => {
    await server?.dispose();
    for (const dir of [configDir, cwd]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("rejects a wrong token with one clear line and exit code 1, then logs in with the right one", async () => {
    const wrong = await berth(["login", "--server", server.apiUrl, "--token", "berth_wrong"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split("\n")).toEqual([
      `berth: login failed: the server at ${server.apiUrl} rejected the token (the token is unknown, expired or revoked)`,
    ]);

    const ok = await berth([
      "login",
      "--server",
      server.apiUrl,
      "--token",
      server.bootstrapToken!,
      "--name",
      "local",
    ]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Logged in to .* as bootstrap \(admin\); context "local" is now current/);
    // The saved context holds a token: only its owner may read it.
    expect(statSync(join(configDir, "contexts.json")).mode & 0o777).toBe(0o600);

    expect(JSON.parse(readFileSync(join(configDir, "contexts.json"), "utf8"))).toEqual({
      current: "local",
      contexts: [{ name: "local", server: server.apiUrl, token: server.bootstrapToken }],
    });
  });

  it("lists deployments by SHA prefix as a table and as JSON, and names an unknown app", async () => {
    const [table, json, byBranch, unknown] = await Promise.all([
      berth(["deployments", "--project", "shop", "--app", "web", "--sha", sha(3).slice(0, 7)]),
      berth(["deployments", "--project", "shop", "--app", "web", "--json", "--limit", "5"]),
      berth([
        "deployments",
        "--project",
        "shop",
        "--app",
        "web",
        "--branch",
        "feat/x",
        "--status",
        "healthy",
      ]),
      berth(["deployments", "--project", "shop", "--app", "nope"]),
    ]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^VERSION\s+STATUS\s+PLATFORM\s+SHA\s+BRANCH\s+MESSAGE\s+CREATED$/);
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toMatch(
      new RegExp(
        `^v3\\s+healthy\\s+process\\s+${sha(3).slice(0, 7)}\\*\\s+main\\s+change number 3\\s+6m ago$`,
      ),
    );

    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.map((d: { seq: number }) => d.seq)).toEqual([8, 7, 6, 5, 4]);
    expect(parsed[0]).toMatchObject({
      status: "deploying",
      git: { sha: sha(8), branch: "feat/x" },
    });

    expect(byBranch.stdout.match(/^v\d+/gm)).toEqual(["v6", "v4", "v2"]);

    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('berth: not_found: application "nope" not found in project "shop"\n');
  });

  it("takes project and app from berth.hcl, and sets config only with enough rights", async () => {
    writeFileSync(
      join(cwd, "berth.hcl"),
      'project = "shop"\n\napp "web" {\n  build {\n    use "archive" {}\n  }\n  deploy {\n    use "process" {\n      command = "node server.js"\n    }\n  }\n}\n',
    );
    const viewer = await issueToken(server.ctx.store.db, { kind: "login", role: "viewer", name: "vic" });
    const [fromFile, set, denied] = await Promise.all([
      berth(["deployments", "--limit", "2"]),
      berth(["config", "set", "GREETING=hello=world", "API_KEY=k3y", "--secret"]),
      berth(["config", "set", "A=1"], { BERTH_SERVER: server.apiUrl, BERTH_TOKEN: viewer.secret }),
    ]);
    expect(fromFile.stdout.match(/^v\d+/gm)).toEqual(["v8", "v7"]);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(
      /^Config revision 1 of shop\/web: \+ API_KEY \(secret\), \+ GREETING \(secret\)/,
    );
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^berth: permission_denied: .*\n$/);

    const [get, reveal, badFlag] = await Promise.all([
      berth(["config", "get", "--json"]),
      berth(["config", "get", "GREETING", "--reveal"]),
      berth(["deployments", "--project", "shop"], {}, tmpdir()),
    ]);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toBe(
      "berth: missing --app (no berth.hcl in the current directory to take it from)\n",
    );
    const vars = JSON.parse(get.stdout);
    expect(
      vars.map((v: { name: string; value: string; masked: boolean }) => [v.name, v.value, v.masked]),
    ).toEqual([
      ["API_KEY", "", true],
      ["GREETING", "", true],
    ]);
    expect(reveal.stdout).toBe("hello=world\n");
  }, 60_000);

  it("creates a token whose secret is shown once, lists it, and revokes it so it stops working", async () => {
    const created = await berth([
      "token",
      "create",
      "--name",
      "ci bot",
      "--role",
      "deployer",
      "--ttl",
      "30d",
    ]);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^berth_\S+$/);
    const id = /deployer token (\S+) for "ci bot"/.exec(created.stderr)?.[1];
    expect(id).toBeDefined();
    const asBot = { BERTH_SERVER: server.apiUrl, BERTH_TOKEN: secret };

    const runner = await berth(["token", "create", "--name", "agent-1", "--runner", "--json"]);
    expect(JSON.parse(runner.stdout)).toMatchObject({
      token: { kind: "runner", name: "agent-1" },
      secret: expect.stringMatching(/^berth_/),
    });
    const [list, works, mintAsBot, badRole] = await Promise.all([
      berth(["token", "list"]),
      berth(["projects"], asBot),
      berth(["token", "create", "--name", "escalate", "--role", "admin"], asBot),
      berth(["token", "create", "--name", "x", "--role", "root"]),
    ]);
    const row = list.stdout.split("\n").find((l) => l.startsWith(id!));
    // Created moments ago: on a loaded machine the CLI runs may take seconds between create and list.
    // A 30-day token listed within half a second of its creation rounds to "in 1mo", later to "in 29d".
    expect(row).toMatch(/ci bot\s+login\s+deployer\s+(just now|\d+s ago)\s+in (29d|1mo)\s+active/);
    expect(list.stdout).not.toContain(secret);
    expect(list.stdout).toMatch(/agent-1\s+runner\s+-\s+(just now|\d+s ago)\s+never\s+active/);
    expect(works.code).toBe(0);
    expect(works.stdout).toMatch(/^PROJECT/);
    expect(mintAsBot.code).toBe(1);
    expect(mintAsBot.stderr).toMatch(/^berth: permission_denied: /);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('expected viewer, deployer or admin, got "root"');

    const revoked = await berth(["token", "revoke", id!]);
    expect(revoked.stdout).toBe(`Revoked token ${id}.\n`);
    const [after, listAll, again] = await Promise.all([
      berth(["projects"], asBot),
      berth(["token", "list", "--all", "--json"]),
      berth(["token", "revoke", "01NOSUCHTOKEN"]),
    ]);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^berth: unauthenticated: /);
    const bot = JSON.parse(listAll.stdout).find((t: { id: string }) => t.id === id);
    expect(bot.revokedAt).toBeTruthy();
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("no token has this id");
    expect(again.stderr, "an id that may be a pasted secret is not echoed").not.toContain("01NOSUCHTOKEN");
  });
});
