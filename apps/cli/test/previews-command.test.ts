// `berth previews` (the real binary) against a real server whose store holds an open and a closed preview:
// the table shows the open one with its PR, branch, commit, URL and expiry; --all adds the closed one with why;
// --app filters; --json prints the API's messages.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { upsertApplication } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { runBerth } from "./helpers/run-berth.js";

describe("berth previews", () => {
  let server: TestServer;
  let configDir: string;
  let cwd: string;
  const berth = (args: string[]) =>
    runBerth(args, {
      cwd,
      env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" },
      timeout: 20_000,
    });
  const now = Date.now();
  const row = (number: number, state: string, extra: Record<string, unknown> = {}) => ({
    id: `01PREVIEW${number}`,
    project: "shop",
    app: "web",
    preview_app: `web--pr-${number}`,
    number,
    forge: "github",
    repository: "https://github.com/acme/shop.git",
    branch: `feature/f${number}`,
    sha: String(number).repeat(40).slice(0, 40),
    generation: 1,
    title: `PR ${number}`,
    state,
    reason: "",
    deployment_id: "",
    opened_at: now - 60_000,
    updated_at: now,
    expires_at: null,
    closed_at: null,
    ...extra,
  });

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), "berth-cli-config-"));
    cwd = mkdtempSync(join(tmpdir(), "berth-cli-cwd-"));
    server = await startTestServer();
    const db = server.ctx.store.db;
    await upsertApplication(db, { project: "shop", app: "web", labels: {}, configJson: "" });
    await db
      .insertInto("previews")
      .values([
        row(7, "ready", { expires_at: now + 3 * 3_600_000 }),
        row(5, "closed", { reason: "pull request #5 merged", closed_at: now }),
      ])
      .execute();
    const login = await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!]);
    expect(login.code).toBe(0);
  });

  afterAll(async () => {
    await server?.dispose();
    for (const dir of [configDir, cwd]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists open previews, closed ones with --all, and JSON", async () => {
    const open = await berth(["previews", "--project", "shop"]);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stdout).toMatch(
      /#7\s+web--pr-7\s+feature\/f7\s+7777777\s+ready\s+http:\/\/web--pr-7\.shop\.localhost:\d+\s+in 2h/,
    );
    expect(open.stdout).not.toContain("#5");
    const all = await berth(["previews", "--project", "shop", "--all"]);
    expect(all.stdout).toContain("pull request #5 merged");
    const other = await berth(["previews", "--project", "shop", "--app", "api"]);
    expect(other.stdout).toContain("No open previews");
    const json = await berth(["previews", "--project", "shop", "--json"]);
    const parsed = JSON.parse(json.stdout) as { number: number; previewApp: string; state: string }[];
    expect(parsed.map((p) => [p.number, p.previewApp, p.state])).toEqual([[7, "web--pr-7", "ready"]]);
  });
});
