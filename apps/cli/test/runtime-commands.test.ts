// `berth logs`, `berth exec` and `berth config history/restore` as a user runs them: the real binary,
// a real server, a real entrypoint and app; `exec -t` inside a real terminal (node-pty).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { issueToken } from "@berth/server";
import * as pty from "node-pty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entrypointRuntime } from "../../server/src/entrypoint/entrypoint-runtime.js";
import {
  entrypointToken,
  pollUntil,
  type SeededDeployment,
  type SpawnedEntrypoint,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "../../server/test/helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";

const bin = fileURLToPath(new URL("../bin/berth.js", import.meta.url));
let server: TestServer;
let entry: SpawnedEntrypoint;
let d: SeededDeployment;
let configDir: string;
let cwd: string;

const env = () => ({ ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" });
const berth = (args: string[], input?: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: env(), timeout: 20_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input ?? "");
  });
const target = ["--project", "shop", "--app", "web"];

beforeAll(async () => {
  server = await startTestServer();
  configDir = mkdtempSync(join(tmpdir(), "berth-cli-rt-config-"));
  cwd = mkdtempSync(join(tmpdir(), "berth-cli-rt-cwd-"));
  const db = server.ctx.store.db;
  d = await seedDeployment(db, { project: "shop", app: "web" });
  entry = spawnEntrypoint({
    apiUrl: server.apiUrl,
    token: await entrypointToken(db, d.deploymentId),
    deploymentId: d.deploymentId,
    instanceId: d.instanceIds[0]!,
    command: "echo 'hello <b>world</b>'; echo warn >&2; exec sleep 1000",
  });
  await pollUntil(() => entrypointRuntime(server.ctx).sessions.isConnected(d.instanceIds[0]!), 10_000);
  const { secret } = await issueToken(db, { kind: "login", role: "admin", name: "ada" });
  const login = await berth(["login", "--server", server.apiUrl, "--token", secret]);
  expect(login.code).toBe(0);
});
afterAll(async () => {
  await stopEntrypoint(entry);
  await server.dispose();
  for (const dir of [configDir, cwd]) rmSync(dir, { recursive: true, force: true });
});

describe("berth logs / exec / config history", () => {
  it("prints the deployment's lines tagged by instance", async () => {
    const tag = d.instanceIds[0]!.slice(-6).toLowerCase();
    const out = await pollUntil(async () => {
      const r = await berth(["logs", ...target]);
      return r.stdout.includes("warn") ? r : undefined;
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`${tag} | hello <b>world</b>\n${tag} | ! warn\n`);
  });

  it("passes the exit code through and pipes stdin", async () => {
    const r = await berth(["exec", ...target, "--", "sh", "-c", 'echo "$BERTH_DEPLOYMENT_ID"; exit 7']);
    expect(r.code).toBe(7);
    expect(r.stdout).toBe(`${d.deploymentId}\n`);
    const wc = await berth(["exec", ...target, "--", "wc", "-c"], "abcdef");
    expect(wc.stdout.trim()).toBe("6");
  });

  it("gives a raw terminal with -t that follows window resizes", async () => {
    const term = pty.spawn(process.execPath, [bin, "exec", "-t", ...target, "--", "sh"], {
      cols: 80,
      rows: 24,
      cwd,
      env: env() as Record<string, string>,
    });
    let screen = "";
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    const waitFor = (re: RegExp) => pollUntil(() => re.test(screen), 10_000);
    term.onData((data) => {
      screen += data;
    });
    term.write("stty size\r");
    await waitFor(/24 80/);
    term.resize(100, 40);
    // SIGWINCH reaches the remote PTY asynchronously: ask again until the new size shows.
    await pollUntil(() => {
      term.write("stty size\r");
      return /40 100/.test(screen);
    }, 10_000);
    term.write("exit 7\r");
    expect(await exited).toBe(7);
  });

  it("lists config revisions and restores one", async () => {
    expect((await berth(["config", "set", ...target, "GREETING=hi"])).code).toBe(0);
    expect((await berth(["config", "set", ...target, "GREETING=yo"])).code).toBe(0);
    const history = await berth(["config", "history", ...target]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^REVISION\s+WHEN\s+WHO\s+SCOPE\s+CHANGES\n/);
    expect(history.stdout).toMatch(/r2\s+.*ada\s+web\s+~GREETING/);
    const restore = await berth(["config", "restore", "1", ...target]);
    expect(restore.stdout).toMatch(/Restored r1 as config revision 3 of shop\/web: GREETING/);
    const get = await berth(["config", "get", ...target, "GREETING"]);
    expect(get.stdout).toBe("hi\n");
  });
});
