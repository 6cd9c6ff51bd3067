// Builds from a repository, driven by a forge's push: a bare git repository on disk (file://) holds
// examples/hello-node; a GitHub-style signed push webhook makes the server fetch, build, deploy and release
// the pushed commit with no CLI anywhere; bad deliveries (unsigned, forged, replayed, unknown repository) build
// nothing, and a repository that cannot be cloned fails its build with git's reason, credentials redacted.
import { createHmac } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  BuildService,
  ConfigScope,
  ConfigService,
  DeploymentService,
  GitService,
  JobService,
  JobState,
  ProjectService,
  ReleaseService,
  WebhookOutcome,
} from "@berth/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor } from "./helpers/api-client.js";
import { getThroughRouter } from "./helpers/get-through-router.js";
import { git } from "./helpers/git-as-ada.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { until } from "./helpers/until.js";

let server: TestServer;
let work: string;
let repoUrl: string;
let token: string;
let secret: string;
let sha: string;
const savedFileUrls = process.env.BERTH_GIT_FILE_URLS;

function appConfig(name: string, url: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    name,
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
    config: { env: { GREETING: "hello from git" } },
    source: { git: { url, ref: "main", path: "apps/hello", autoRelease: true, ...extra } },
  });
}

function post(
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  body: { outcome?: string; reason?: string; builds?: { app: string; jobId: string }[] };
}> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.apiPort,
        path,
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

function githubPush(after: string, ref = "refs/heads/main", url = repoUrl) {
  return JSON.stringify({
    ref,
    after,
    deleted: false,
    repository: { clone_url: url, full_name: "acme/hello" },
  });
}

function signed(body: string, delivery: string, key = secret) {
  return {
    "x-github-event": "push",
    "x-github-delivery": delivery,
    "x-hub-signature-256": `sha256=${createHmac("sha256", key).update(body).digest("hex")}`,
  };
}

function get(host: string): Promise<{ status: number; body: string }> {
  return getThroughRouter(server.routerPort, host);
}

beforeAll(async () => {
  process.env.BERTH_GIT_FILE_URLS = "1";
  work = mkdtempSync(join(tmpdir(), "berth-git-"));
  const tree = join(work, "tree");
  mkdirSync(join(tree, "apps"), { recursive: true });
  cpSync(resolve(import.meta.dirname, "../../../examples/hello-node"), join(tree, "apps/hello"), {
    recursive: true,
  });
  git(tree, "init", "-q");
  git(tree, "add", "-A");
  git(tree, "commit", "-q", "-m", "hello from a repository\n\nbody line");
  sha = git(tree, "rev-parse", "HEAD");
  git(work, "clone", "-q", "--bare", tree, join(work, "hello.git"));
  repoUrl = `file://${join(work, "hello.git")}`;

  server = await startTestServer({ builtinRunner: true });
  token = server.bootstrapToken!;
  const projects = clientFor(server, ProjectService, token);
  await projects.upsertApplication({
    app: { project: "git", app: "hello" },
    configJson: appConfig("hello", repoUrl),
  });
  ({ secret } = await clientFor(server, GitService, token).createWebhookSecret({ project: "git" }));
}, 60_000);

afterAll(async () => {
  await server?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
  if (savedFileUrls === undefined) delete process.env.BERTH_GIT_FILE_URLS;
  else process.env.BERTH_GIT_FILE_URLS = savedFileUrls;
});

describe("a signed push webhook", () => {
  it("builds, deploys and releases the pushed commit without the CLI", async () => {
    const body = githubPush(sha);
    const res = await post("/webhooks/git", body, signed(body, "delivery-1"));
    expect(res.status).toBe(202);
    expect(res.body.outcome).toBe("accepted");
    expect(res.body.builds?.map((b) => b.app)).toEqual(["hello"]);

    const releases = clientFor(server, ReleaseService, token);
    const released = await until(
      "the pushed commit to be released",
      async () => (await releases.listReleases({ app: { project: "git", app: "hello" } })).releases[0],
      60_000,
    );
    const { deployment } = await clientFor(server, DeploymentService, token).getDeployment({
      id: released.targets[0]!.deploymentId,
    });
    expect(deployment?.git?.sha).toBe(sha);
    expect(deployment?.git?.branch).toBe("main");
    expect(deployment?.git?.dirty).toBe(false);
    expect(deployment).toMatchObject({ trigger: "webhook", triggeredBy: "github webhook" });
    const { builds } = await clientFor(server, BuildService, token).listBuilds({
      app: { project: "git", app: "hello" },
    });
    expect(builds).toHaveLength(1);
    expect(builds[0]).toMatchObject({ trigger: "webhook", triggeredBy: "github webhook" });
    expect(builds[0]?.git).toMatchObject({
      sha,
      branch: "main",
      author: "Ada Lovelace <ada@example.com>",
      message: "hello from a repository\n\nbody line",
    });
    const served = await get("hello.git.localhost");
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body)).toMatchObject({ sha, greeting: "hello from git" });

    const { deliveries } = await clientFor(server, GitService, token).listWebhookDeliveries({
      project: "git",
    });
    expect(deliveries[0]).toMatchObject({
      forge: "github",
      deliveryId: "delivery-1",
      outcome: WebhookOutcome.ACCEPTED,
      sha,
      ref: "refs/heads/main",
      statusCode: 202,
    });
  }, 90_000);

  it("ignores a replayed delivery id and builds nothing more", async () => {
    const body = githubPush(sha);
    const res = await post("/webhooks/git", body, signed(body, "delivery-1"));
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe("ignored");
    expect(res.body.reason).toMatch(/^replayed delivery delivery-1/);
    const { jobs } = await clientFor(server, JobService, token).listJobs({
      app: { project: "git", app: "hello" },
    });
    expect(jobs.filter((j) => j.trigger === "webhook" && j.git?.sha === sha && j.kind === 1)).toHaveLength(1);
  });
});

describe("a bad delivery", () => {
  const jobCount = async () =>
    (await clientFor(server, JobService, token).listJobs({ app: { project: "git", app: "hello" } })).jobs
      .length;

  it("unsigned or wrongly signed: 401, recorded as rejected, nothing queued", async () => {
    const before = await jobCount();
    const body = githubPush(sha);
    const unsigned = await post("/webhooks/git", body, {
      "x-github-event": "push",
      "x-github-delivery": "d-unsigned",
    });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.reason).toContain("unsigned");
    const forged = await post("/webhooks/git", body, signed(body, "d-forged", "not-the-secret"));
    expect(forged.status).toBe(401);
    const tampered = await post("/webhooks/git", githubPush("f".repeat(40)), signed(body, "d-tampered"));
    expect(tampered.status).toBe(401);
    expect(await jobCount()).toBe(before);
    const { deliveries } = await clientFor(server, GitService, token).listWebhookDeliveries({
      project: "git",
    });
    const byId = new Map(deliveries.map((d) => [d.deliveryId, d]));
    for (const id of ["d-unsigned", "d-forged", "d-tampered"])
      expect(byId.get(id)).toMatchObject({ outcome: WebhookOutcome.REJECTED, statusCode: 401 });
  });

  it("an unknown repository: 404; an unknown project: 404 and not recorded", async () => {
    const body = githubPush(sha, "refs/heads/main", "https://github.com/acme/other.git");
    const res = await post("/webhooks/git", body, signed(body, "d-other"));
    expect(res.status).toBe(404);
    expect(res.body.reason).toBe('no app of project "git" builds from https://github.com/acme/other.git');
    const nowhere = await post("/webhooks/nowhere", body, signed(body, "d-nowhere"));
    expect(nowhere.status).toBe(404);
  });

  it("a push to another branch, a GitLab token and a Gitea signature: verified, ignored with why", async () => {
    const other = githubPush(sha, "refs/heads/feature");
    const gh = await post("/webhooks/git", other, signed(other, "d-feature"));
    expect(gh).toMatchObject({
      status: 200,
      body: { outcome: "ignored", reason: "push to refs/heads/feature; hello tracks main" },
    });
    const lab = JSON.stringify({ ref: "refs/heads/feature", after: sha, project: { git_http_url: repoUrl } });
    const gl = await post("/webhooks/git", lab, {
      "x-gitlab-event": "Push Hook",
      "x-gitlab-event-uuid": "d-gitlab",
      "x-gitlab-token": secret,
    });
    expect(gl.body.outcome).toBe("ignored");
    const badLab = await post("/webhooks/git", lab, {
      "x-gitlab-event": "Push Hook",
      "x-gitlab-event-uuid": "d-gitlab-bad",
      "x-gitlab-token": "guess",
    });
    expect(badLab.status).toBe(401);
    const tea = await post("/webhooks/git", other, {
      "x-gitea-event": "push",
      "x-gitea-delivery": "d-gitea",
      "x-gitea-signature": createHmac("sha256", secret).update(other).digest("hex"),
    });
    expect(tea.body.outcome).toBe("ignored");
  });

  it("a body declared over the limit: 413 before it is read", async () => {
    // Only the headers go out: the answer must come without the server waiting for (or reading) the body.
    const status = await new Promise<number>((done, fail) => {
      const req = request({
        host: "127.0.0.1",
        port: server.apiPort,
        path: "/webhooks/git",
        method: "POST",
        headers: { "content-length": String(3 * 1024 * 1024), ...signed("{}", "d-huge") },
      });
      req.on("response", (res) => {
        done(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", fail);
      req.flushHeaders();
    });
    expect(status).toBe(413);
  });
});

describe("a repository that cannot be cloned", () => {
  it("fails the build with git's reason, the credentials redacted", async () => {
    const credential = "tok3n-s3cr3t-value";
    await clientFor(server, ProjectService, token).upsertApplication({
      app: { project: "git", app: "broken" },
      configJson: appConfig("broken", `file:///nonexistent/${credential}.git`, { credentials: "GIT_TOKEN" }),
    });
    await clientFor(server, ConfigService, token).setConfigVars({
      scope: ConfigScope.APP,
      project: "git",
      app: "broken",
      set: [{ name: "GIT_TOKEN", value: credential, secret: true }],
    });
    const { buildJobId } = await clientFor(server, GitService, token).deployCommit({
      app: { project: "git", app: "broken" },
    });
    const jobs = clientFor(server, JobService, token);
    let last: { state: JobState; error: string } | undefined;
    const lines: string[] = [];
    for await (const res of jobs.getJobStream({ id: buildJobId })) {
      last = res.job;
      for (const e of res.events) if (e.event.case === "line") lines.push(e.event.value.text);
    }
    expect(last?.state).toBe(JobState.ERROR);
    expect(last?.error).toContain("fetching file:///nonexistent/***.git failed");
    expect(last?.error).toMatch(/does not exist|not a git repository|Could not read/);
    expect(last?.error).not.toContain(credential);
    expect(lines.join("\n")).not.toContain(credential);
  });
});
