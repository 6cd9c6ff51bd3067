// A mutating call whose answer is lost: the request reached the server (and committed), the connection dropped
// before the reply. The real binary must say the outcome is unknown and show the state it finds afterwards.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertDeployment, issueToken, upsertApplication } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { startCuttingProxy } from "./helpers/cutting-proxy.js";
import { runBerth } from "./helpers/run-berth.js";

describe("outcome unknown after a dropped mutation", () => {
  let server: TestServer;
  let configDir: string;
  let token: string;

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), "berth-outcome-"));
    server = await startTestServer({ shutdownGraceMs: 500 });
    const db = server.ctx.store.db;
    const app = await upsertApplication(db, { project: "shop", app: "web", labels: {}, configJson: "" });
    for (let i = 1; i <= 2; i++) {
      await insertDeployment(db, {
        appId: app.id,
        status: "healthy",
        git: {
          sha: createHash("sha1").update(`outcome ${i}`).digest("hex"),
          branch: "main",
          author: "Ada",
          message: `change ${i}`,
          dirty: false,
        },
      });
    }
    token = (await issueToken(db, { kind: "login", role: "admin", name: "outcome" })).secret;
  });

  afterAll(async () => {
    await server?.dispose();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  const berthVia = (url: string, args: string[]) =>
    runBerth(args, {
      env: {
        ...process.env,
        BERTH_CONFIG_DIR: configDir,
        BERTH_SERVER: url,
        BERTH_TOKEN: token,
        NO_COLOR: "1",
      },
      timeout: 60_000,
    });

  it("says a release's outcome is unknown and shows the current release, not 'cannot reach the server'", async () => {
    const proxy = await startCuttingProxy(server.apiUrl);
    try {
      const run = await berthVia(proxy.url, [
        "release",
        "v2",
        "--project",
        "shop",
        "--app",
        "web",
        "--force",
      ]);
      await proxy.cut;
      expect(run.code).toBe(1);
      expect(run.stderr).not.toContain("cannot reach");
      // The release did commit on the server; the CLI found that out after reconnecting.
      expect(run.stderr).toMatch(
        /^berth: outcome unknown: the connection to the server at http:\/\/127\.0\.0\.1:\d+ was lost after the ReleaseService\.Release request was sent, so it may or may not have taken effect \(.+\)\. Now: current release of shop\/web is v2 \(release #\d+\)\.\n$/,
      );
    } finally {
      await proxy.close();
    }
  });

  it("says the same of a config change, with the newest revision", async () => {
    const proxy = await startCuttingProxy(server.apiUrl);
    try {
      const run = await berthVia(proxy.url, [
        "config",
        "set",
        "GREETING=hi",
        "--project",
        "shop",
        "--app",
        "web",
      ]);
      await proxy.cut;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("was lost after the ConfigService.SetConfigVars request was sent");
      expect(run.stderr).toMatch(/Now: the newest config revision of shop\/web is r\d+ \(GREETING\)\.\n$/);
    } finally {
      await proxy.close();
    }
  });

  it("still says it cannot reach a server that refuses the connection: nothing was sent", async () => {
    const proxy = await startCuttingProxy(server.apiUrl);
    await proxy.close();
    const run = await berthVia(proxy.url, ["release", "v1", "--project", "shop", "--app", "web"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^berth: unavailable: cannot reach the server at http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\); is it running\?\n$/,
    );
  });
  it("with a second address, sends a read whose answer was lost again, but never a release", async () => {
    const releases = async () =>
      (await server.ctx.store.db.selectFrom("releases").select("id").execute()).length;
    const before = await releases();
    const proxy = await startCuttingProxy(server.apiUrl);
    try {
      const servers = `${proxy.url},${server.apiUrl}`;
      const run = await berthVia(servers, ["release", "v1", "--project", "shop", "--app", "web", "--force"]);
      await proxy.cut;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("was lost after the ReleaseService.Release request was sent");
      // Sent once: the release the lost answer was about is the only new one.
      expect(await releases()).toBe(before + 1);
    } finally {
      await proxy.close();
    }
    const again = await startCuttingProxy(server.apiUrl);
    try {
      const read = await berthVia(`${again.url},${server.apiUrl}`, [
        "deployments",
        "--project",
        "shop",
        "--app",
        "web",
        "--json",
      ]);
      await again.cut;
      expect(read.code, read.stderr).toBe(0);
      expect((JSON.parse(read.stdout) as unknown[]).length).toBe(2);
      expect(read.stderr).toContain(`trying ${server.apiUrl}`);
    } finally {
      await again.close();
    }
  });
});
