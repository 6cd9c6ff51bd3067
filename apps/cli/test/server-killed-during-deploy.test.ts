// kill -9 the server while `berth deploy` waits for health: the released version keeps serving from its own
// (detached) instances; after a restart the job is failed with a reason, the instances are re-adopted,
// and the history is intact.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet as get } from "./helpers/http-get.js";
import { berthBin as bin, helloNodeExample as example, runBerth } from "./helpers/run-berth.js";
import { until as pollUntil } from "./helpers/until.js";

interface Ready {
  apiUrl: string;
  apiPort: number;
  routerPort: number;
  bootstrapToken?: string;
}

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000) =>
  pollUntil(what, fn, ms, 200);

describe("server killed during a deploy", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-kill-server-"));
  const configDir = mkdtempSync(join(tmpdir(), "berth-kill-config-"));
  const repo = mkdtempSync(join(tmpdir(), "berth-kill-repo-"));
  const env = {
    ...process.env,
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "cache"),
    // How long the CLI tries to reach a lost server again: long enough for the restart below on a busy machine.
    BERTH_RECONNECT_MS: "120000",
    NO_COLOR: "1",
  };
  let server: ChildProcess | undefined;
  const appPids: number[] = [];

  const startServerProcess = (port = 0) =>
    new Promise<Ready>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          bin,
          "server",
          "run",
          "--data-dir",
          dataDir,
          "--port",
          String(port),
          "--router-port",
          "0",
          "--print-token-json",
          // A SIGTERM at the end takes the apps along (production servers leave them running).
          "--stop-apps-on-exit",
        ],
        {
          env: { ...env, BERTH_LOG_LEVEL: "warn" },
          stdio: ["ignore", "pipe", "ignore"],
        },
      );
      server = child;
      child.on("exit", (code) => reject(new Error(`server exited early (${code})`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (line.startsWith('{"event":"ready"')) resolve(JSON.parse(line) as Ready);
      });
    });
  const berth = (args: string[]) => runBerth(args, { cwd: repo, env, timeout: 90_000 });
  const git = (...args: string[]) => gitIn(repo, ...args);
  const commit = (m: string) => commitAll(repo, m);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server!.once("exit", r));
    }
    for (const pid of appPids) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already stopped by the server
      }
    }
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      rmSync(dir, { recursive: true, force: true });
  });

  it("fails the interrupted job with a reason, keeps v1 serving and re-adopts it", async () => {
    cpSync(example, repo, { recursive: true });
    writeFileSync(
      join(repo, "berth.hcl"),
      readFileSync(join(repo, "berth.hcl"), "utf8").replace("count   = 2", "count   = 1"),
    );
    git("init", "-q", "-b", "main");
    const sha1 = commit("v1");
    const first = await startServerProcess();
    expect((await berth(["login", "--server", first.apiUrl, "--token", first.bootstrapToken!])).code).toBe(0);
    const up = await berth(["up", "-q"]);
    expect(up.code).toBe(0);

    const status = JSON.parse((await berth(["status", "--json"])).stdout) as {
      url: string;
      deployments: { seq: number; instances: { pid: number; port: number }[] }[];
    }[];
    const v1 = status[0]!.deployments.find((d) => d.seq === 1)!.instances[0]!;
    appPids.push(v1.pid);

    // A deploy that can never become healthy keeps its job running until we pull the plug.
    writeFileSync(
      join(repo, "berth.hcl"),
      readFileSync(join(repo, "berth.hcl"), "utf8")
        .replace('path          = "/healthz"', 'path          = "/never"')
        .replace('start_timeout = "30s"', 'start_timeout = "5m"'),
    );
    writeFileSync(
      join(repo, "server.js"),
      readFileSync(join(repo, "server.js"), "utf8").replace(
        'if (req.url === "/healthz")',
        'if (req.url === "/never") { res.writeHead(503); res.end(); return; }\n  if (req.url === "/healthz")',
      ),
    );
    commit("v2 never healthy");
    const deploying = berth(["up", "-q"]);
    await until("the deploy job to be running", async () => {
      const jobs = JSON.parse((await berth(["jobs", "--json"])).stdout) as { kind: string; state: string }[];
      return jobs.some((j) => j.kind === "deploy" && j.state === "running");
    });
    server!.removeAllListeners("exit");
    server!.kill("SIGKILL");
    await new Promise((r) => server!.once("exit", r));

    // The server is gone; the released instance is not.
    expect(JSON.parse((await get(v1.port)).body).sha).toBe(sha1);

    // Back on the same address: the waiting `berth up` finds it again and says what became of its job, instead
    // of a stream error code.
    const second = await startServerProcess(first.apiPort);
    expect(second.apiUrl).toBe(first.apiUrl);
    const interrupted = await deploying;
    expect(interrupted.code).toBe(1);
    expect(interrupted.stderr).not.toContain("canceled: http/2");
    expect(interrupted.stderr).toMatch(
      new RegExp(
        `berth: the connection to the server at ${first.apiUrl} was lost while deploy job \\S+ was running \\(the server stopped, or the network failed: .+\\), so its outcome is unknown\\. Now: job \\S+ is error: interrupted: the server stopped while this job was running\\.\\n$`,
      ),
    );
    expect(second.bootstrapToken).toBeUndefined();
    expect((await berth(["login", "--server", second.apiUrl, "--token", first.bootstrapToken!])).code).toBe(
      0,
    );
    const jobs = JSON.parse((await berth(["jobs", "--json"])).stdout) as {
      kind: string;
      state: string;
      error: string;
    }[];
    const deploy = jobs.find((j) => j.kind === "deploy" && j.state !== "success")!;
    expect(deploy).toMatchObject({
      state: "error",
      error: "interrupted: the server stopped while this job was running",
    });

    const deployments = JSON.parse((await berth(["deployments", "--json"])).stdout) as {
      seq: number;
      status: string;
      released: boolean;
    }[];
    expect(deployments.map((d) => [d.seq, d.status, d.released])).toEqual([
      [2, "failed", false],
      [1, "healthy", true],
    ]);
    const after = JSON.parse((await berth(["status", "--json"])).stdout) as typeof status;
    expect(after[0]!.deployments.find((d) => d.seq === 1)!.instances[0]!.pid).toBe(v1.pid);
    const appHost = new URL(status[0]!.url).hostname;
    const served = await until("the router to serve v1", async () => {
      const r = await get(second.routerPort, appHost);
      return r.status === 200 && r;
    });
    expect(JSON.parse(served.body).sha).toBe(sha1);
  }, 120_000);
});
