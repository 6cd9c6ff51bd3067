// Progressive releases end to end on one real server: three real apps (process platform, through berth-entrypoint)
// behind the embedded router, requests through the router, the RolloutService over gRPC. Traffic metrics come from
// the router's own reports, as in production.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReleaseService, RolloutService, RolloutState } from "@berth/proto";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packDirectory } from "../src/builders/pack-directory.js";
import { upsertApplication } from "../src/catalog/projects.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { releaseDeployment } from "../src/lifecycle/release-deployment.js";
import type { DeploymentSpec } from "../src/platforms/platform.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import { loginToken, pollUntil } from "./helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

// Answers its version; "broken" answers 500 to everything but its health check.
const appSource = (body: string, status: number) => `const http = require("node:http");
http.createServer((q, s) => {
  if (q.url === "/healthz") return s.end("ok");
  s.statusCode = ${status};
  s.end(${JSON.stringify(body)});
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

let server: TestServer;
let work: string;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const app = { project: "shop", app: "web" };
const host = "web.shop.localhost";
const seqs: Record<string, number> = {};

interface Answer {
  status: number;
  body: string;
  setCookie: string[];
}

/** GET the app's public URL through the embedded router. */
function get(cookie?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { host };
    if (cookie) headers.cookie = cookie;
    const req = request({ host: "127.0.0.1", port: server.routerPort, path: "/", headers, agent }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers["set-cookie"] ?? [] }),
      );
    });
    req.on("error", (e: NodeJS.ErrnoException) =>
      resolve({ status: 0, body: e.code ?? e.message, setCookie: [] }),
    );
    req.end();
  });
}

/** `n` requests, 16 at a time: how many answered each body, and every non-200 status seen. */
async function drive(n: number): Promise<{ bodies: Record<string, number>; failures: Answer[] }> {
  const bodies: Record<string, number> = {};
  const failures: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < n) {
        next++;
        const a = await get();
        bodies[a.body] = (bodies[a.body] ?? 0) + 1;
        if (a.status !== 200) failures.push(a);
      }
    }),
  );
  return { bodies, failures };
}

async function deploy(name: string, status: number): Promise<void> {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, "server.js"), appSource(name, status));
  const artifactPath = (await packDirectory(dir, join(work, "artifacts"))).path;
  const db = server.ctx.store.db;
  const appRow = await upsertApplication(db, { ...app, labels: {}, configJson: "" });
  const dep = await insertDeployment(db, { appId: appRow.id, status: "healthy" });
  const spec: DeploymentSpec = {
    deploymentId: dep.id,
    project: app.project,
    app: app.app,
    seq: dep.seq,
    command: "node server.js",
    count: 1,
    health: { path: "/healthz", intervalMs: 200, timeoutMs: 1000 },
    artifactPath,
  };
  const platform = engineOf(server.ctx).platform;
  await platform.deploy(spec, new AbortController().signal);
  await pollUntil(() => platform.instances(dep.id).every((i) => i.health === "healthy"), 30_000);
  seqs[name] = dep.seq;
}

const rollouts = () => clientFor(server, RolloutService, deployerToken);
let deployerToken = "";

beforeAll(async () => {
  server = await startTestServer();
  work = await mkdtemp(join(tmpdir(), "berth-rollout-"));
  for (const [name, status] of [
    ["one", 200],
    ["two", 200],
    ["broken", 500],
  ] as const)
    await deploy(name, status);
  deployerToken = await loginToken(server.ctx.store.db, "deployer");
  await releaseDeployment(server.ctx, { ...app, seq: seqs.one });
}, 90_000);

afterAll(async () => {
  agent.destroy();
  await server?.dispose();
  await rm(work, { recursive: true, force: true });
});

describe("progressive release", () => {
  it("splits traffic by step within ±2 %, keeps a cookie client on one version, shows live metrics, aborts at once", async () => {
    const client = rollouts();
    const started = await client.startRollout({
      app,
      seq: seqs.two,
      steps: [10, 50, 100],
      reason: "try two",
    });
    expect(started.rollout).toMatchObject({
      state: RolloutState.RUNNING,
      step: 0,
      steps: [10, 50, 100],
      baseline: { seq: seqs.one, weight: 90 },
      canary: { seq: seqs.two, weight: 10 },
    });

    const first = await drive(10_000);
    expect(first.failures).toEqual([]);
    expect(Math.abs((first.bodies.two ?? 0) / 10_000 - 0.1)).toBeLessThan(0.02);

    // A client keeps the version it was given for as long as the split lasts (its cookie names it).
    const answer = await get();
    const cookie = answer.setCookie.find((c) => c.startsWith("berth_version="))?.split(";")[0];
    expect(cookie).toBeDefined();
    for (let i = 0; i < 50; i++) expect((await get(cookie)).body).toBe(answer.body);

    const advanced = await client.advanceRollout({ app, reason: "looks fine" });
    expect(advanced.rollout).toMatchObject({ step: 1, canary: { weight: 50 }, baseline: { weight: 50 } });
    const second = await drive(10_000);
    expect(second.failures).toEqual([]);
    expect(Math.abs((second.bodies.two ?? 0) / 10_000 - 0.5)).toBeLessThan(0.02);

    // The router reports what it served: both sides' requests this step, side by side.
    await pollUntil(async () => {
      const r = (await client.getRollout({ app })).rollout;
      return (
        Number(r?.canary?.metrics?.requests ?? 0) + Number(r?.baseline?.metrics?.requests ?? 0) >= 10_000
      );
    }, 10_000);
    const live = (await client.getRollout({ app })).rollout;
    expect(Number(live?.canary?.metrics?.errors5xx)).toBe(0);
    expect(live?.canary?.metrics?.p95Ms).toBeGreaterThan(0);

    // Abort under load: every request answers, and once the call returns everything is on the baseline.
    let loading = true;
    const during: Answer[] = [];
    const loop = (async () => {
      while (loading) during.push(await get());
    })();
    // How fast is the bench's business; here: once the call returns, the router already serves the baseline only.
    const aborted = await client.abortRollout({ app, reason: "enough" });
    loading = false;
    await loop;
    expect(aborted.rollout).toMatchObject({
      state: RolloutState.ABORTED,
      endReason: "enough",
      canary: { weight: 0 },
    });
    expect(during.filter((a) => a.status !== 200)).toEqual([]);
    const after = await drive(200);
    expect(after.bodies).toEqual({ one: 200 });
    // Even a client pinned to the canary goes back.
    expect((await get(cookie)).body).toBe("one");

    const again = await errorOf(client.advanceRollout({ app }));
    expect(again.code).toBe(Code.FailedPrecondition);
    expect(again.rawMessage).toBe("web has no running rollout: the last one is aborted (enough)");
  }, 120_000);

  it("auto-aborts a canary that answers 5xx, and says why in the release history", async () => {
    const client = rollouts();
    await client.startRollout({
      app,
      seq: seqs.broken,
      steps: [50, 100],
      autoAbort: { maxErrorRateMarginPercent: 5, minRequests: 50 },
    });
    await drive(400);
    await pollUntil(
      async () => (await client.getRollout({ app })).rollout?.state === RolloutState.ABORTED,
      30_000,
    );
    const ended = (await client.getRollout({ app })).rollout;
    expect(ended?.endReason).toMatch(
      /^auto-abort: the canary answered 100\.0% 5xx over \d+ requests, the baseline 0\.0%/,
    );
    const releases = clientFor(server, ReleaseService, deployerToken);
    const newest = (await releases.listReleases({ app, pageSize: 1 })).releases[0];
    expect(newest?.reason).toBe(`rollout aborted: ${ended?.endReason}`);
    // The life of the canary's commit records the automatic abort (and notifications hear of it).
    const recorded = await server.ctx.store.db
      .selectFrom("lifecycle_events")
      .select(["kind", "reason", "actor_name"])
      .where("kind", "=", "release.auto_aborted")
      .execute();
    expect(recorded).toEqual([
      { kind: "release.auto_aborted", reason: ended?.endReason, actor_name: "server" },
    ]);
    expect((await drive(100)).bodies).toEqual({ one: 100 });
  }, 60_000);

  it("steps by itself on an interval, and stops when another release takes over", async () => {
    const client = rollouts();
    await client.startRollout({ app, seq: seqs.two, steps: [20, 100], intervalSeconds: 1 });
    await pollUntil(
      async () => (await client.getRollout({ app })).rollout?.state === RolloutState.COMPLETED,
      15_000,
    );
    expect((await drive(50)).bodies).toEqual({ two: 50 });

    await releaseDeployment(server.ctx, { ...app, seq: seqs.one });
    await client.startRollout({ app, seq: seqs.two, steps: [30, 60] });
    await releaseDeployment(server.ctx, { ...app, seq: seqs.one, reason: "by hand" });
    await pollUntil(
      async () => (await client.getRollout({ app })).rollout?.state === RolloutState.SUPERSEDED,
      10_000,
    );
    expect((await client.getRollout({ app })).rollout).toMatchObject({
      endReason: "another release of the app replaced the rollout's traffic split",
      baseline: { weight: 100 },
      canary: { weight: 0 },
    });
  }, 60_000);

  it("refuses bad steps, a second rollout, and one of the version already serving", async () => {
    const client = rollouts();
    const bad = await errorOf(client.startRollout({ app, seq: seqs.two, steps: [50, 20] }));
    expect(bad.code).toBe(Code.InvalidArgument);
    expect(bad.rawMessage).toBe(
      "steps[1]: 20 does not increase on the step before it (50); steps go up, e.g. 10,50,100",
    );
    const range = await errorOf(client.startRollout({ app, seq: seqs.two, steps: [0, 20] }));
    expect(range.code).toBe(Code.InvalidArgument);
    expect(range.rawMessage).toContain("steps[0]");
    const same = await errorOf(client.startRollout({ app, seq: seqs.one, steps: [10] }));
    expect(same.code).toBe(Code.FailedPrecondition);
    await client.startRollout({ app, seq: seqs.two, steps: [10, 100] });
    const twice = await errorOf(client.startRollout({ app, seq: seqs.two, steps: [10, 100] }));
    expect(twice.code).toBe(Code.FailedPrecondition);
    expect(twice.rawMessage).toBe("web already has a rollout running; advance, abort or complete it first");
    const done = await client.completeRollout({ app });
    expect(done.rollout).toMatchObject({ state: RolloutState.COMPLETED, canary: { weight: 100 } });
  }, 60_000);

  it("a health-gated release: all traffic at once, watched for a window, rolled back by itself when it fails", async () => {
    await releaseDeployment(server.ctx, { ...app, seq: seqs.one });
    const client = rollouts();
    const watched = await client.startRollout({
      app,
      seq: seqs.broken,
      steps: [100],
      intervalSeconds: 600,
      autoAbort: { maxErrorRateMarginPercent: 5, minRequests: 20 },
    });
    // It takes everything now, and the rollout stays open for the watch window.
    expect(watched.rollout).toMatchObject({ state: RolloutState.RUNNING, canary: { weight: 100 } });
    await drive(100);
    await pollUntil(
      async () => (await client.getRollout({ app })).rollout?.state === RolloutState.ABORTED,
      30_000,
    );
    expect((await client.getRollout({ app })).rollout?.endReason).toMatch(
      /^auto-abort: the canary answered 100\.0% 5xx/,
    );
    expect((await drive(50)).bodies).toEqual({ one: 50 });
  }, 60_000);
});
