// `berth release --steps` and `berth rollout` (the real binary) against a real server: a progressive release is
// started, advanced, shown and aborted; bad flags are refused before anything is sent.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertDeployment, upsertApplication } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { runBerth } from "./helpers/run-berth.js";

describe("berth rollout", () => {
  let server: TestServer;
  let configDir: string;
  let cwd: string;
  const target = ["--project", "roll", "--app", "web"];
  const berth = (args: string[]) =>
    runBerth(args, {
      cwd,
      env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" },
      timeout: 20_000,
    });

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), "berth-cli-config-"));
    cwd = mkdtempSync(join(tmpdir(), "berth-cli-cwd-"));
    server = await startTestServer({ shutdownGraceMs: 500 });
    const db = server.ctx.store.db;
    const app = await upsertApplication(db, { project: "roll", app: "web", labels: {}, configJson: "" });
    for (const c of ["a1", "b2"])
      await insertDeployment(db, {
        appId: app.id,
        status: "healthy",
        git: { sha: c.repeat(20), author: "Ada" },
      });
    expect((await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!])).code).toBe(
      0,
    );
    expect((await berth(["release", "v1", ...target])).code).toBe(0);
  });

  afterAll(async () => {
    await server?.dispose();
    for (const dir of [configDir, cwd]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("starts, advances, shows and aborts a progressive release", async () => {
    const start = await berth(["release", "v2", "--steps", "10,50,100", "--interval", "manual", ...target]);
    expect(start.stderr).toBe("");
    expect(start.stdout).toContain("Rollout of roll/web v2: running  [10%] → 50% → 100%");
    expect(start.stdout).toMatch(/baseline\s+v1 a1a1a1a\s+90%/);
    expect(start.stdout).toMatch(/canary\s+v2 b2b2b2b\s+10%/);
    expect(start.stdout).toContain("Next step: when you run berth rollout advance");

    const advance = await berth(["rollout", "advance", "--reason", "fine so far", ...target]);
    expect(advance.stdout).toContain("10% → [50%] → 100%");
    const json = JSON.parse((await berth(["rollout", "status", "--json", ...target])).stdout);
    expect(json).toMatchObject({ state: "running", step: 1, canary: { seq: 2, weight: 50 } });

    const abort = await berth(["rollout", "abort", "--reason", "p95 too high", ...target]);
    expect(abort.stdout).toContain("aborted");
    expect(abort.stdout).toContain("Ended: p95 too high");
    const again = await berth(["rollout", "advance", ...target]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("web has no running rollout: the last one is aborted (p95 too high)");
  });

  it("refuses steps that do not go up and rollout flags without --steps", async () => {
    const down = await berth(["release", "v2", "--steps", "50,20", ...target]);
    expect(down.code).not.toBe(0);
    expect(down.stderr).toContain("step 2 (20) does not go up from 50");
    const lone = await berth(["release", "v2", "--interval", "5m", ...target]);
    expect(lone.code).toBe(1);
    expect(lone.stderr).toContain("--interval, --abort-on-5xx and --abort-when-unhealthy go with --steps");
  });
});
