// A config change drops no request: a real server deploys a real app (through berth-entrypoint) on the process
// platform, a request loop polls its URL through the embedded router, and `SetConfigVars` runs three times. Each
// entrypoint replaces its app surge-first (new port, ready, traffic moved, old one drained) — with one instance
// as with two.

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigScope } from "@berth/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packDirectory } from "../src/builders/pack-directory.js";
import { upsertApplication } from "../src/catalog/projects.js";
import { entrypointRuntime } from "../src/entrypoint/entrypoint-runtime.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { engineOf } from "../src/lifecycle/engine.js";
import type { DeploymentSpec } from "../src/platforms/platform.js";
import { getThroughRouter } from "./helpers/get-through-router.js";
import { loginToken, pollUntil, runtimeClients } from "./helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

// Answers with its GREETING; on SIGTERM it stops accepting and finishes what is in flight (a well-behaved app).
const app = `const http = require("node:http");
const server = http.createServer((q, s) => s.end(process.env.GREETING ?? "unset"));
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => { server.close(() => process.exit(0)); server.closeIdleConnections(); });
`;

let server: TestServer;
let work: string;
let artifactPath: string;

beforeAll(async () => {
  server = await startTestServer({ drainMs: 500 });
  work = await mkdtemp(join(tmpdir(), "berth-zero-downtime-"));
  await mkdir(join(work, "src"));
  await writeFile(join(work, "src", "server.js"), app);
  artifactPath = (await packDirectory(join(work, "src"), join(work, "artifacts"))).path;
}, 60_000);

afterAll(async () => {
  await server?.dispose();
  await rm(work, { recursive: true, force: true });
});

function get(host: string): Promise<{ status: number; body: string }> {
  return getThroughRouter(server.routerPort, host);
}

async function deploy(appName: string, count: number): Promise<DeploymentSpec> {
  const db = server.ctx.store.db;
  const appRow = await upsertApplication(db, { project: "shop", app: appName, labels: {}, configJson: "" });
  const dep = await insertDeployment(db, { appId: appRow.id, status: "healthy" });
  const spec: DeploymentSpec = {
    deploymentId: dep.id,
    project: "shop",
    app: appName,
    seq: dep.seq,
    command: "node server.js",
    count,
    health: { path: "/", intervalMs: 200, timeoutMs: 1000 },
    artifactPath,
  };
  const platform = engineOf(server.ctx).platform;
  await platform.deploy(spec, new AbortController().signal);
  const { sessions } = entrypointRuntime(server.ctx);
  await pollUntil(
    () =>
      platform.instances(spec.deploymentId).every((i) => i.health === "healthy") &&
      platform.instances(spec.deploymentId).every((i) => sessions.get(i.id)?.report?.appState === "running"),
    30_000,
  );
  return spec;
}

describe("config changes", () => {
  for (const count of [1, 2]) {
    it(`drop no request with count = ${count} (surge-first, three changes in a row)`, async () => {
      const appName = `web${count}`;
      const spec = await deploy(appName, count);
      const host = `${appName}--v${spec.seq}.shop.localhost`;
      const platform = engineOf(server.ctx).platform;
      const { sessions } = entrypointRuntime(server.ctx);
      const { config } = runtimeClients(server.apiUrl, await loginToken(server.ctx.store.db, "deployer"));
      const before = platform.instances(spec.deploymentId).map((i) => ({ ...i }));
      expect(await get(host)).toEqual({ status: 200, body: "unset" });

      // Requests one after another, a few ms apart, for as long as the changes take.
      const results: { status: number; body: string }[] = [];
      let looping = true;
      const loop = (async () => {
        while (looping) {
          results.push(await get(host));
          await new Promise((r) => setTimeout(r, 10));
        }
      })();

      for (const value of ["one", "two", "three"]) {
        const set = await config.setConfigVars({
          scope: ConfigScope.APP,
          project: "shop",
          app: appName,
          set: [{ name: "GREETING", value }],
        });
        const revision = set.revision!.revision;
        // The rollout is done when every instance reports running on the new revision.
        const confirmed = await Promise.all(
          before.map((i) =>
            sessions.waitForReport(i.id, (r) => r.configRevision === revision && r.appState === "running", {
              timeoutMs: 30_000,
            }),
          ),
        );
        expect(confirmed).toEqual(before.map(() => true));
      }
      // A few more requests after the last switch, then stop the loop.
      const seen = results.length;
      await pollUntil(() => results.length >= seen + 5, 10_000);
      looping = false;
      await loop;

      const failed = results.filter((r) => r.status !== 200);
      expect(failed).toEqual([]);
      expect(results.length).toBeGreaterThan(20);
      expect(results.at(-1)!.body).toBe("three");
      expect(new Set(results.map((r) => r.body))).toEqual(new Set(["unset", "one", "two", "three"]));

      // Each instance now serves from a new port, and each replacement counted as a restart.
      const after = platform.instances(spec.deploymentId);
      for (const [n, i] of after.entries()) {
        expect(i.id).toBe(before[n]!.id);
        expect(i.port).not.toBe(before[n]!.port);
        expect(i.restarts).toBe(before[n]!.restarts + 3);
        expect(sessions.get(i.id)?.report?.port).toBe(i.port);
      }
      // The rows follow (a restarted server re-adopts the instance on the port it serves on now).
      const rows = () =>
        server.ctx.store.db
          .selectFrom("instances")
          .select(["id", "port", "restarts"])
          .where("deployment_id", "=", spec.deploymentId)
          .orderBy("idx")
          .execute();
      const expected = after.map((i) => ({ id: i.id, port: i.port, restarts: i.restarts }));
      await pollUntil(async () => JSON.stringify(await rows()) === JSON.stringify(expected));
    }, 120_000);
  }
});
