// What the real binary prints cannot drive the reader's terminal, and a reader that goes away early
// (`berth status | head`) ends the command quietly.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertDeployment, issueToken, upsertApplication } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { runBerth, runBerthIntoClosedPipe } from "./helpers/run-berth.js";

// A commit message that would turn into a hidden link, retitle the window and move the cursor up.
const evilMessage =
  "\u001b]8;;https://evil.example/\u0007fix login\u001b]8;;\u0007\u001b]0;pwned\u0007\u001b[1A\u001b[2K\u202eexe.";

describe("terminal safety of berth's output", () => {
  let server: TestServer;
  let configDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), "berth-terminal-safety-"));
    server = await startTestServer({ shutdownGraceMs: 500 });
    const db = server.ctx.store.db;
    const app = await upsertApplication(db, { project: "shop", app: "web", labels: {}, configJson: "" });
    for (let i = 1; i <= 30; i++) {
      await insertDeployment(db, {
        appId: app.id,
        status: "healthy",
        git: {
          sha: createHash("sha1").update(`safety ${i}`).digest("hex"),
          branch: "main",
          author: "Mallory",
          message: i === 30 ? evilMessage : `change ${i}`,
          dirty: false,
        },
        createdAt: Date.now() - (31 - i) * 60_000,
      });
    }
    // More apps: `berth status` writes one block per app, asking the server in between.
    for (const name of ["api", "worker"]) {
      const other = await upsertApplication(db, { project: "shop", app: name, labels: {}, configJson: "" });
      await insertDeployment(db, {
        appId: other.id,
        status: "healthy",
        git: { sha: "a".repeat(40), branch: "main", author: "Ada", message: "first", dirty: false },
      });
    }
    const admin = await issueToken(db, { kind: "login", role: "admin", name: "safety" });
    env = {
      ...process.env,
      BERTH_CONFIG_DIR: configDir,
      BERTH_SERVER: server.apiUrl,
      BERTH_TOKEN: admin.secret,
      FORCE_COLOR: "1",
    };
  });

  afterAll(async () => {
    await server?.dispose();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it("strips links, titles, cursor moves and bidi overrides from a commit message in berth deployments", async () => {
    const out = await runBerth(["deployments", "--project", "shop", "--app", "web", "--limit", "1"], {
      env,
      timeout: 20_000,
    });
    expect(out.code, out.stderr).toBe(0);
    const row = out.stdout.split("\n")[1] ?? "";
    expect(row).toContain("fix loginexe.");
    for (const control of ["\u001b]", "\u0007", "\u001b[1A", "\u001b[2K", "\u202e"]) {
      expect(out.stdout).not.toContain(control);
    }
  });

  it("ends quietly when the reader of its output has gone away", async () => {
    for (const args of [
      ["deployments", "--project", "shop", "--app", "web", "--limit", "30"],
      ["status", "--project", "shop"],
      ["--help"],
    ]) {
      const run = await runBerthIntoClosedPipe(args, { env, timeout: 20_000 });
      expect(run.stderr, args.join(" ")).toBe("");
      expect({ code: run.code, signal: run.signal }, args.join(" ")).toEqual({ code: 0, signal: null });
    }
  });
});
