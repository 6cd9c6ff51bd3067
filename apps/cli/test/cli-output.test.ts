// What `berth` prints for things a new user tripped over: canary weights in status/apps, vN instead of ULIDs in
// the audit trail, `config history --json`, enum values in --json as the words the tables use; and pins/notes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertDeployment, upsertApplication } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { runBerth } from "./helpers/run-berth.js";

describe("berth output", () => {
  let server: TestServer;
  let configDir: string;
  let cwd: string;
  const target = ["--project", "out", "--app", "web"];
  const berth = async (args: string[]) => {
    const r = await runBerth(args, {
      cwd,
      env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" },
      timeout: 20_000,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), "berth-cli-config-"));
    cwd = mkdtempSync(join(tmpdir(), "berth-cli-cwd-"));
    server = await startTestServer({ shutdownGraceMs: 500 });
    const app = await upsertApplication(server.ctx.store.db, {
      project: "out",
      app: "web",
      labels: {},
      configJson: "",
    });
    for (const c of ["a", "b"])
      await insertDeployment(server.ctx.store.db, {
        appId: app.id,
        status: "healthy",
        git: { sha: c.repeat(40) },
      });
    await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!]);
    await berth(["release", "v1", ...target]);
    await berth(["release", "v2", "--canary", "10", ...target]);
  });

  afterAll(async () => {
    await server?.dispose();
    for (const dir of [configDir, cwd]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows canary weights in berth apps and berth status", async () => {
    expect(await berth(["apps", "--project", "out"])).toMatch(/^web\s+v1 90% \+ v2 10%\s+http/m);
    const status = await berth(["status", "--project", "out"]);
    expect(status).toContain("v1 90% + v2 10% released (canary)");
    expect(status).toMatch(/^\s+v2\* 10%\s+healthy/m);
    expect(status).toMatch(/^\s+v1\* 90%\s+healthy/m);
    const json = JSON.parse(await berth(["status", "--project", "out", "--json"]));
    expect(json[0].releasedTargets).toEqual([
      { seq: 1, weight: 90 },
      { seq: 2, weight: 10 },
    ]);
  });

  it("names audit targets by vN and release number, not by ULID", async () => {
    const audit = await berth(["audit", "--project", "out"]);
    expect(audit).toContain("release #2 → v1 90%, v2 10%");
    expect(audit).toContain("release #1 → v1");
    expect(audit).not.toMatch(/[0-9A-HJKMNP-TV-Z]{26}/);
  });

  it("prints config history as JSON and enum values as lower-case words", async () => {
    await berth(["config", "set", "MODE=fast", ...target]);
    const history = JSON.parse(await berth(["config", "history", "--json", ...target]));
    expect(history).toMatchObject([
      { revision: 1, app: "web", changes: [{ name: "MODE", change: "added", scope: "app" }] },
    ]);
    const deployments = JSON.parse(await berth(["deployments", "--json", ...target]));
    expect(deployments.map((d: { status: string }) => d.status)).toEqual(["healthy", "healthy"]);
  });

  it("pins a deployment with a note, shows both in its history, unpins it and clears the note", async () => {
    expect(await berth(["pin", "v1", "--note", "known good", ...target])).toBe(
      "out/web v1 is pinned — known good\n",
    );
    expect(await berth(["deployments", ...target])).toMatch(
      /^v1\s+healthy released pinned\s+process\s+aaaaaaa\s+-\s+\[known good\]/m,
    );
    expect(await berth(["unpin", "v1", ...target])).toBe("out/web v1 is not pinned — known good\n");
    expect(await berth(["note", "v1", "", ...target])).toBe("out/web v1 is not pinned\n");
    const json = JSON.parse(await berth(["deployments", "--json", ...target]));
    expect(json.find((d: { seq: number }) => d.seq === 1)).toMatchObject({ pinned: false, note: "" });
  });
});
