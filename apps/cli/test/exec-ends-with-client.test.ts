// Killing `berth exec` ends the remote command and everything it started: the real binary (in a real
// terminal with -t), a real server, entrypoint and PTY; the processes are checked in /proc.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueToken } from "@berth/server";
import * as pty from "node-pty";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { entrypointRuntime } from "../../server/src/entrypoint/entrypoint-runtime.js";
import {
  awaitGone,
  findCommand,
  processesOfSession,
  shellPidPattern,
  spawnChildrenLine,
} from "../../server/test/helpers/exec-processes.js";
import {
  entrypointToken,
  pollUntil,
  type SpawnedEntrypoint,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "../../server/test/helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { berthBin, runBerth } from "./helpers/run-berth.js";

let server: TestServer;
let entry: SpawnedEntrypoint;
let configDir: string;
const env = () => ({ ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" }) as Record<string, string>;
const target = ["--project", "shop", "--app", "web"];

beforeAll(async () => {
  server = await startTestServer();
  configDir = mkdtempSync(join(tmpdir(), "berth-cli-exec-end-"));
  const db = server.ctx.store.db;
  const d = await seedDeployment(db, { project: "shop", app: "web" });
  entry = spawnEntrypoint({
    apiUrl: server.apiUrl,
    token: await entrypointToken(db, d.deploymentId),
    deploymentId: d.deploymentId,
    instanceId: d.instanceIds[0]!,
    command: "exec sleep 1000",
  });
  await pollUntil(() => entrypointRuntime(server.ctx).sessions.isConnected(d.instanceIds[0]!), 10_000);
  const { secret } = await issueToken(db, { kind: "login", role: "admin", name: "ada" });
  const login = await runBerth(["login", "--server", server.apiUrl, "--token", secret], {
    env: env(),
    timeout: 20_000,
  });
  expect(login.code).toBe(0);
});
// A CLI left running by a failing test is killed, so it cannot keep its session (and the command) alive.
const clis: { kill(signal: NodeJS.Signals): void }[] = [];
afterEach(() => {
  for (const c of clis.splice(0)) {
    try {
      c.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
});
afterAll(async () => {
  if (entry) await stopEntrypoint(entry);
  await server?.dispose();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe("killing `berth exec` ends the command it runs", () => {
  it.each(["SIGKILL", "SIGTERM", "SIGHUP"] as const)(
    "-t: an interactive sh and its children, on %s",
    async (signal) => {
      const term = pty.spawn(process.execPath, [berthBin, "exec", "-t", ...target, "--", "/bin/sh"], {
        cols: 80,
        rows: 24,
        env: env(),
      });
      let screen = "";
      term.onData((data) => {
        screen += data;
      });
      const exited = new Promise<void>((resolve) => term.onExit(() => resolve()));
      term.write(spawnChildrenLine);
      const shell = Number((await pollUntil(() => shellPidPattern.exec(screen) ?? undefined, 10_000))[1]);
      const pids = await processesOfSession(shell, 4);
      process.kill(term.pid, signal);
      await exited;
      await awaitGone(shell, pids);
    },
  );

  it.each([
    ["SIGKILL", ["sleep", "121"]],
    ["SIGHUP", ["sleep", "121"]],
    ["SIGTERM", ["sh", "-c", `${spawnChildrenLine.trim()}; wait`]],
  ] as const)("no tty: on %s, %j", async (signal, args) => {
    const cli = spawn(process.execPath, [berthBin, "exec", ...target, "--", ...args], {
      env: env(),
      stdio: ["pipe", "pipe", "ignore"],
    });
    clis.push(cli);
    const exited = once(cli, "exit");
    let out = "";
    cli.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    let leader: number;
    let pids: number[];
    if (args[0] === "sleep") {
      leader = await findCommand(entry.child.pid!, [...args]);
      pids = [leader];
    } else {
      leader = Number((await pollUntil(() => shellPidPattern.exec(out) ?? undefined, 10_000))[1]);
      pids = await processesOfSession(leader, 4);
    }
    cli.kill(signal);
    await awaitGone(leader, pids);
    const [code] = await exited;
    // SIGTERM is handled (the session is cancelled, then the CLI exits as killed); the others kill it outright.
    if (signal === "SIGTERM") expect(code).toBe(143);
  });
});
