// Preview deployments from pull-request webhooks, end to end: a bare git repository on disk (file://) holds
// examples/hello-node; signed GitHub pull_request deliveries make the server build the PR head on its built-in
// runner, deploy it and release it at hello--pr-<N> through the real URL router; a push to the PR updates it,
// a close destroys it, a fork's PR is ignored with why, and many open/close cycles leave nothing running.
// The one test double: GitHub's commit statuses API (we cannot call github.com from here). It is strict: it
// accepts only the request GitHub documents (POST /repos/{owner}/{repo}/statuses/{sha}, a Bearer token, the
// API version header, a JSON body of exactly state, target_url, description, context) and records any other
// request as a violation, which fails the test.
import { createHmac } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  ConfigScope,
  ConfigService,
  GitService,
  PreviewState,
  ProjectService,
  WebhookOutcome,
} from "@berth/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { effectiveConfig } from "../src/config/effective-config.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { sweepPreviews } from "../src/previews/preview-sweeper.js";
import { clientFor } from "./helpers/api-client.js";
import { getThroughRouter } from "./helpers/get-through-router.js";
import { git } from "./helpers/git-as-ada.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { until } from "./helpers/until.js";

let server: TestServer;
let work: string;
let tree: string;
let bare: string;
let repoUrl: string;
let token: string;
let secret: string;
let delivery = 0;
const forgeToken = "ghs_preview-status-token";
const savedFileUrls = process.env.BERTH_GIT_FILE_URLS;

/** The strict GitHub statuses API double: what it accepted, and every request it had to refuse. */
const github = {
  statuses: [] as { sha: string; body: Record<string, string> }[],
  violations: [] as string[],
};
let githubServer: Server;
let githubUrl: string;

function startGithubDouble(): Promise<void> {
  githubServer = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => {
      text += c;
    });
    req.on("end", () => {
      const refuse = (status: number, why: string) => {
        github.violations.push(`${req.method} ${req.url}: ${why}`);
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: why }));
      };
      const m = /^\/repos\/acme\/hello\/statuses\/([0-9a-f]{40})$/.exec(req.url ?? "");
      if (req.method !== "POST" || !m) return refuse(404, "Not Found");
      if (req.headers.authorization !== `Bearer ${forgeToken}`) return refuse(401, "Bad credentials");
      if (req.headers["x-github-api-version"] !== "2022-11-28") return refuse(400, "missing API version");
      if (!req.headers["user-agent"]) return refuse(403, "a User-Agent is required");
      if (!String(req.headers["content-type"]).startsWith("application/json")) return refuse(415, "not JSON");
      let body: Record<string, string>;
      try {
        body = JSON.parse(text);
      } catch {
        return refuse(400, "Problems parsing JSON");
      }
      const keys = Object.keys(body).sort().join(",");
      if (keys !== "context,description,state,target_url") return refuse(422, `unexpected fields ${keys}`);
      if (!["error", "failure", "pending", "success"].includes(body.state!)) return refuse(422, "bad state");
      if (body.description!.length > 140) return refuse(422, "description is too long");
      github.statuses.push({ sha: m[1]!, body });
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: github.statuses.length, ...body }));
    });
  });
  return new Promise((done) =>
    githubServer.listen(0, "127.0.0.1", () => {
      githubUrl = `http://127.0.0.1:${(githubServer.address() as AddressInfo).port}`;
      done();
    }),
  );
}

/** Commits a change on a branch of the working tree and pushes it to the bare repository; returns its SHA. */
function commitOn(branch: string, note: string): string {
  git(tree, "checkout", "-q", "-B", branch);
  writeFileSync(join(tree, "apps/hello/NOTE"), `${note}\n`);
  git(tree, "add", "-A");
  git(tree, "commit", "-q", "-m", note);
  git(tree, "push", "-q", "-f", bare, branch);
  return git(tree, "rev-parse", "HEAD");
}

/** The app's berth.hcl preview block, as the CLI stores it. */
function previewBlock(): Record<string, unknown> {
  return {
    branches: ["feature/*"],
    forks: false,
    config: { env: { GREETING: "hello from a preview" } },
    status: { apiUrl: githubUrl, token: "FORGE_TOKEN" },
  };
}

function appConfig(preview: Record<string, unknown>) {
  return JSON.stringify({
    name: "hello",
    path: ".",
    labels: {},
    build: { use: "archive", command: "", exclude: [] },
    registry: { use: "server" },
    deploy: {
      use: "process",
      command: "node server.js",
      count: 1,
      health: { path: "/healthz", intervalMs: 200, timeoutMs: 2000, startTimeoutMs: 30_000 },
    },
    release: { use: "router" },
    config: { env: { GREETING: "hello from main" } },
    source: { git: { url: repoUrl, ref: "main", path: "apps/hello" } },
    preview,
  });
}

function post(body: string, headers: Record<string, string>) {
  return new Promise<{
    status: number;
    body: { outcome?: string; reason?: string; builds?: { app: string }[] };
  }>((done, fail) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.apiPort,
        path: "/webhooks/git",
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => done({ status: res.statusCode ?? 0, body: JSON.parse(text || "{}") }));
      },
    );
    req.on("error", fail);
    req.end(body);
  });
}

/** A signed GitHub pull_request delivery. */
function pullRequest(
  action: string,
  number: number,
  sha: string,
  opts: { branch?: string; head?: string } = {},
) {
  const body = JSON.stringify({
    action,
    number,
    pull_request: {
      number,
      title: "Add a note",
      head: { ref: opts.branch ?? "feature/note", sha, repo: { full_name: opts.head ?? "acme/hello" } },
      base: { ref: "main", repo: { full_name: "acme/hello", clone_url: repoUrl } },
    },
    repository: { full_name: "acme/hello", clone_url: repoUrl },
  });
  delivery += 1;
  return post(body, {
    "x-github-event": "pull_request",
    "x-github-delivery": `pr-${delivery}`,
    "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
  });
}

function get(host: string): Promise<{ status: number; body: string }> {
  return getThroughRouter(server.routerPort, host);
}

/** What the preview's host serves once it serves `sha`. */
async function served(host: string, sha: string) {
  return until(
    `${host} to serve ${sha.slice(0, 7)}`,
    async () => {
      const res = await get(host);
      if (res.status !== 200) return undefined;
      const body = JSON.parse(res.body) as { sha: string; greeting: string; deployment: string };
      return body.sha === sha ? body : undefined;
    },
    90_000,
    100,
  );
}

/** Deployments of preview apps that still run, by the store or by the platform, whichever sees more. */
async function runningPreviewDeployments(): Promise<number> {
  const rows = await server.ctx.store.db
    .selectFrom("deployments as d")
    .innerJoin("applications as a", "a.id", "d.app_id")
    .select("d.id")
    .where("a.name", "like", "hello--pr-%")
    .where("d.status", "in", ["deploying", "healthy", "unhealthy"])
    .execute();
  return Math.max(rows.length, engineOf(server.ctx).platform.liveDeployments().length);
}

beforeAll(async () => {
  process.env.BERTH_GIT_FILE_URLS = "1";
  await startGithubDouble();
  work = mkdtempSync(join(tmpdir(), "berth-previews-"));
  tree = join(work, "tree");
  mkdirSync(join(tree, "apps"), { recursive: true });
  cpSync(resolve(import.meta.dirname, "../../../examples/hello-node"), join(tree, "apps/hello"), {
    recursive: true,
  });
  git(tree, "init", "-q");
  git(tree, "add", "-A");
  git(tree, "commit", "-q", "-m", "hello");
  bare = join(work, "hello.git");
  git(work, "clone", "-q", "--bare", tree, bare);
  repoUrl = `file://${bare}`;

  server = await startTestServer({ builtinRunner: true });
  token = server.bootstrapToken!;
  await clientFor(server, ProjectService, token).upsertApplication({
    app: { project: "git", app: "hello" },
    configJson: appConfig(previewBlock()),
  });
  const config = clientFor(server, ConfigService, token);
  await config.setConfigVars({
    scope: ConfigScope.APP,
    project: "git",
    app: "hello",
    set: [{ name: "FORGE_TOKEN", value: forgeToken, secret: true }],
  });
  ({ secret } = await clientFor(server, GitService, token).createWebhookSecret({ project: "git" }));
}, 60_000);

afterAll(async () => {
  await server?.dispose();
  githubServer?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (savedFileUrls === undefined) delete process.env.BERTH_GIT_FILE_URLS;
  else process.env.BERTH_GIT_FILE_URLS = savedFileUrls;
});

describe("a pull request's preview", () => {
  it("opened → served at hello--pr-7 from the PR head; synchronize → updated; closed → destroyed", async () => {
    const first = commitOn("feature/note", "first");
    const opened = await pullRequest("opened", 7, first);
    expect(opened.status).toBe(202);
    expect(opened.body).toMatchObject({ outcome: "accepted", builds: [{ app: "hello--pr-7" }] });

    const v1 = await served("hello--pr-7.git.localhost", first);
    expect(v1.greeting).toBe("hello from a preview");
    expect((await get("hello--pr-7--v1.git.localhost")).status).toBe(200);
    const git = clientFor(server, GitService, token);
    const listed = await until("the preview to be listed as ready", async () => {
      const [p] = (await git.listPreviews({ project: "git", app: "hello" })).previews;
      return p?.state === PreviewState.READY ? p : undefined;
    });
    expect(listed).toMatchObject({
      previewApp: "hello--pr-7",
      number: 7,
      branch: "feature/note",
      sha: first,
      title: "Add a note",
      url: `http://hello--pr-7.git.localhost:${server.routerPort}`,
      deploymentUrl: `http://hello--pr-7--v1.git.localhost:${server.routerPort}`,
    });
    // The app itself was never deployed: the preview did not touch it.
    expect((await get("hello.git.localhost")).status).not.toBe(200);

    // "preview ready" is in the lifecycle log, where outbound notifications come from.
    const ready = await until("preview.ready in the lifecycle log", async () => {
      const rows = await server.ctx.store.db
        .selectFrom("lifecycle_events")
        .select(["details_json", "git_sha"])
        .where("kind", "=", "preview.ready")
        .execute();
      return rows.length > 0 ? rows : undefined;
    });
    expect(ready).toHaveLength(1);
    expect(ready[0]!.git_sha).toBe(first);
    expect(JSON.parse(ready[0]!.details_json)).toMatchObject({ url: listed.url, number: 7, app: "hello" });

    const second = commitOn("feature/note", "second");
    expect((await pullRequest("synchronize", 7, second)).status).toBe(202);
    await served("hello--pr-7.git.localhost", second);
    // v1 goes once v2 is live: one deployment per preview.
    await until(
      "the superseded deployment to be destroyed",
      async () => (await runningPreviewDeployments()) === 1,
      30_000,
    );

    await until("the preview to be ready at the second commit", async () => {
      const [p] = (await git.listPreviews({ project: "git", app: "hello" })).previews;
      return p?.state === PreviewState.READY && p.sha === second;
    });
    const closed = await pullRequest("closed", 7, second);
    expect(closed.body).toMatchObject({ outcome: "accepted", reason: "closed hello--pr-7" });
    // Closing destroys before it answers.
    expect(await runningPreviewDeployments()).toBe(0);
    expect((await get("hello--pr-7.git.localhost")).status).toBe(404);
    const row = await server.ctx.store.db
      .selectFrom("previews")
      .selectAll()
      .where("number", "=", 7)
      .executeTakeFirst();
    expect(row).toMatchObject({ state: "closed", reason: "pull request #7 closed", sha: second });
    expect((await git.listPreviews({ project: "git" })).previews).toEqual([]);
    const [gone] = (await git.listPreviews({ project: "git", includeClosed: true })).previews;
    expect(gone).toMatchObject({ number: 7, state: PreviewState.CLOSED, url: "" });
  }, 180_000);

  it("posted commit statuses to the GitHub API double: pending, then success with the preview's URL", async () => {
    await until("four commit statuses", () => github.statuses.length >= 4);
    expect(github.violations).toEqual([]);
    const url = `http://hello--pr-7.git.localhost:${server.routerPort}`;
    expect(github.statuses).toHaveLength(4);
    // Per commit, in order: pending while it builds, success once it is served (two commits may interleave).
    const shas = [...new Set(github.statuses.map((s) => s.sha))];
    expect(shas).toHaveLength(2);
    for (const sha of shas)
      expect(github.statuses.filter((s) => s.sha === sha).map((s) => s.body.state)).toEqual([
        "pending",
        "success",
      ]);
    for (const s of github.statuses)
      expect(s.body).toMatchObject({ context: "berth/preview", target_url: url });
    expect(github.statuses.find((s) => s.body.state === "success")!.body.description).toBe(
      `Preview ready at ${url}`,
    );
  });

  it("the preview-only config set reaches previews and only them", async () => {
    await clientFor(server, ConfigService, token).setConfigVars({
      scope: ConfigScope.APP,
      project: "git",
      app: "hello--previews",
      set: [{ name: "GREETING", value: "from the preview-only set", secret: true }],
    });
    const sha = commitOn("feature/scoped", "scoped");
    expect((await pullRequest("opened", 8, sha, { branch: "feature/scoped" })).status).toBe(202);
    expect((await served("hello--pr-8.git.localhost", sha)).greeting).toBe("from the preview-only set");
    // The app itself does not get the set.
    expect((await effectiveConfig(server.ctx.store.db, "git", "hello")).env.GREETING).toBeUndefined();
    await pullRequest("closed", 8, sha, { branch: "feature/scoped" });
    expect(await runningPreviewDeployments()).toBe(0);
  }, 120_000);
});

describe("expire_after", () => {
  it("the sweeper destroys a preview whose time has come", async () => {
    const projects = clientFor(server, ProjectService, token);
    await projects.upsertApplication({
      app: { project: "git", app: "hello" },
      configJson: appConfig({ ...previewBlock(), expireAfterMs: 3_600_000 }),
    });
    const sha = commitOn("feature/expiring", "expiring");
    expect((await pullRequest("opened", 12, sha, { branch: "feature/expiring" })).status).toBe(202);
    await served("hello--pr-12.git.localhost", sha);
    const db = server.ctx.store.db;
    const row = await db
      .selectFrom("previews")
      .selectAll()
      .where("number", "=", 12)
      .executeTakeFirstOrThrow();
    expect(row.expires_at).toBeGreaterThan(row.updated_at);
    // The sweep as it runs on its timer, at a moment past the expiry (no waiting an hour).
    expect(await sweepPreviews(server.ctx, engineOf(server.ctx), row.expires_at! + 1)).toBe(1);
    expect(await runningPreviewDeployments()).toBe(0);
    expect(
      await db.selectFrom("previews").select(["state", "reason"]).where("number", "=", 12).executeTakeFirst(),
    ).toEqual({ state: "closed", reason: "expired (expire_after)" });
    await projects.upsertApplication({
      app: { project: "git", app: "hello" },
      configJson: appConfig(previewBlock()),
    });
  }, 120_000);
});

describe("a pull request that gets no preview", () => {
  it("from a fork, with forks off: ignored, the reason in the delivery log, nothing built", async () => {
    const sha = commitOn("feature/fork", "fork");
    const res = await pullRequest("opened", 9, sha, { branch: "feature/fork", head: "mallory/hello" });
    expect(res).toMatchObject({
      status: 200,
      body: {
        outcome: "ignored",
        reason: "hello: pull request #9 comes from a fork and its preview has forks = false",
      },
    });
    const { deliveries } = await clientFor(server, GitService, token).listWebhookDeliveries({
      project: "git",
    });
    expect(deliveries[0]).toMatchObject({
      event: "pull_request",
      outcome: WebhookOutcome.IGNORED,
      reason: "hello: pull request #9 comes from a fork and its preview has forks = false",
    });
    const rows = await server.ctx.store.db
      .selectFrom("previews")
      .select("id")
      .where("number", "=", 9)
      .execute();
    expect(rows).toEqual([]);
  });

  it("from a branch its preview's patterns do not match: ignored with why", async () => {
    const sha = commitOn("hotfix", "hotfix");
    const res = await pullRequest("opened", 10, sha, { branch: "hotfix" });
    expect(res.body).toMatchObject({
      outcome: "ignored",
      reason: "hello: branch hotfix matches none of feature/*",
    });
  });

  it("a real app cannot take a preview's name", async () => {
    await expect(
      clientFor(server, ProjectService, token).upsertApplication({
        app: { project: "git", app: "hello--pr-7" },
        configJson: "{}",
      }),
    ).rejects.toThrow(/contains "--", which is reserved/);
  });
});

describe("many open/close cycles", () => {
  const cycles = 100;
  it(`${cycles} times opened and closed at once leave no preview and no instance running`, async () => {
    const sha = commitOn("feature/cycles", "cycles");
    for (let i = 0; i < cycles; i++) {
      expect(
        (await pullRequest(i === 0 ? "opened" : "reopened", 11, sha, { branch: "feature/cycles" })).status,
      ).toBe(202);
      expect((await pullRequest("closed", 11, sha, { branch: "feature/cycles" })).status).toBe(200);
    }
    // The builds the opens queued still finish; whatever they deploy after the close, the sweeper destroys.
    const db = server.ctx.store.db;
    await until(
      "every job of the cycles to end",
      async () =>
        (
          await db
            .selectFrom("jobs")
            .select("id")
            .where("app", "=", "hello--pr-11")
            .where("state", "in", ["queued", "running"])
            .execute()
        ).length === 0,
      120_000,
      100,
    );
    await until(
      "nothing of the preview to run",
      async () => (await runningPreviewDeployments()) === 0,
      60_000,
      100,
    );
    const open = await db.selectFrom("previews").select("id").where("state", "!=", "closed").execute();
    expect(open).toEqual([]);
    expect((await get("hello--pr-11.git.localhost")).status).toBe(404);
  }, 300_000);
});
