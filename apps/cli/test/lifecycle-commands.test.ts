// `berth sha` and `berth live` (the real binary) against a real server whose history was made through the
// CLI itself: releases, a canary, a rollback with a reason.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertDeployment, upsertApplication } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { runBerth } from "./helpers/run-berth.js";

describe("berth sha and berth live", () => {
  let server: TestServer;
  let configDir: string;
  let cwd: string;
  const target = ["--project", "hist", "--app", "web"];
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
    const app = await upsertApplication(db, { project: "hist", app: "web", labels: {}, configJson: "" });
    for (const c of ["a1", "b2", "c3"])
      await insertDeployment(db, {
        appId: app.id,
        status: "healthy",
        // A hostile commit message must reach the terminal inert.
        git: {
          sha: c.repeat(20),
          message: `fix \u001b]8;;http://evil\u0007link\u001b]8;;\u0007 ${c}`,
          author: "Ada",
        },
      });
    const login = await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!]);
    expect(login.code).toBe(0);
  });

  afterAll(async () => {
    await server?.dispose();
    for (const dir of [configDir, cwd]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("tells the life of a commit: canary weight, full release, the rollback that ended it and why", async () => {
    for (const args of [
      ["release", "v1", "--reason", "first"],
      ["release", "v2", "--canary", "10", "--reason", "try it"],
      ["release", "v2", "--reason", "all in"],
      ["rollback", "--reason", "b2 is slow"],
    ]) {
      const r = await berth([...args, ...target]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    const out = await berth(["sha", "b2b2", "--project", "hist"]);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`commit ${"b2".repeat(20)}`);
    expect(out.stdout).not.toContain("\u001b");
    expect(out.stdout).toMatch(/web\s+v2 10%\s+b2b2b2b\s+-\s+\S+ \S+\s+\S+ \S+\s+#2 — try it/);
    expect(out.stdout).toMatch(/rollback #4 → v1 100% — b2 is slow\s+bootstrap/);
    expect(out.stdout).toMatch(/web\s+v2\s+healthy\s+\d+s\s+-/);

    const json = JSON.parse((await berth(["sha", "b2b2", "--project", "hist", "--json"])).stdout);
    expect(json.events.map((e: { kind: string }) => e.kind)).toEqual(["release", "release", "rollback"]);

    const none = await berth(["sha", "ffff", "--project", "hist"]);
    expect(none.stdout).toBe("No build or deployment of hist comes from a commit starting with ffff.\n");
    const bad = await berth(["sha", "xyz!", "--project", "hist"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("a SHA prefix is 4–40 hex characters");
  });

  it("says what was live now and that nothing was live before the app existed", async () => {
    const now = await berth(["live", ...target]);
    expect(now.code).toBe(0);
    expect(now.stdout).toMatch(/web\s+v1 100%\s+a1a1a1a\s+-\s+\S+ \S+\s+live\s+#4 rollback — b2 is slow/);
    expect(now.stdout).toContain("just before, in web:");

    const before = await berth(["live", "--at", "2001-01-01 00:00", ...target]);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain("web: nothing was live");

    const bad = await berth(["live", "--at", "teatime", ...target]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--at: "teatime" is not a time');
  });
});
