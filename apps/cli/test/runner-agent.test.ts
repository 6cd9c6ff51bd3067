// `berth runner agent` as its own process takes an untargeted build job, builds its --dir and pushes the
// artifact; `berth job show ID -f` replays the job's steps; `berth runner list` shows the agent online.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { GitInfoSchema, JobKind, JobService, JobState } from "@berth/proto";
import {
  defaultServerOptions,
  issueToken,
  type RunningServer,
  startServer,
  upsertApplication,
} from "@berth/server";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berthBin as bin, helloNodeExample as example, runBerth } from "./helpers/run-berth.js";

describe("berth runner agent", () => {
  let server: RunningServer;
  let agent: ChildProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "berth-agent-server-"));
  const configDir = mkdtempSync(join(tmpdir(), "berth-agent-config-"));
  const src = mkdtempSync(join(tmpdir(), "berth-agent-src-"));
  const env = {
    ...process.env,
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "cache"),
    NO_COLOR: "1",
  };
  const berth = (args: string[]) => runBerth(args, { env, timeout: 30_000 });

  beforeAll(async () => {
    cpSync(example, src, { recursive: true });
    server = await startServer({
      ...defaultServerOptions(dataDir),
      stopAppsOnExit: true, // its apps end with it (a production server leaves them running)
      apiPort: 0,
      routerPort: 0,
      logger: pino({ level: "silent" }),
    });
    expect((await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!])).code).toBe(
      0,
    );
  });

  afterAll(async () => {
    agent?.kill("SIGTERM");
    if (agent && agent.exitCode === null) await new Promise((r) => agent!.once("exit", r));
    await server?.close();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, src])
      rmSync(dir, { recursive: true, force: true });
  });

  it("builds an untargeted job from its directory and reports it", async () => {
    agent = spawn(process.execPath, [bin, "runner", "agent", "--name", "ci-box", "--dir", src], {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    await new Promise<void>((resolve) =>
      createInterface({ input: agent!.stderr! }).on("line", (l) => l.includes("registered as") && resolve()),
    );
    const runners = await berth(["runner", "list"]);
    expect(runners.stdout).toMatch(/ci-box\s+agent\s+yes/);

    await upsertApplication(server.ctx.store.db, { project: "ci", app: "hello", labels: {}, configJson: "" });
    const { secret } = await issueToken(server.ctx.store.db, { kind: "login", role: "deployer", name: "ci" });
    const jobs = createClient(
      JobService,
      createGrpcTransport({
        baseUrl: server.apiUrl,
        interceptors: [
          (next) => (req) => {
            req.header.set("authorization", `Bearer ${secret}`);
            return next(req);
          },
        ],
      }),
    );
    const { job } = await jobs.queueJob({
      app: { project: "ci", app: "hello" },
      kind: JobKind.BUILD,
      git: create(GitInfoSchema, { sha: "a".repeat(40), branch: "main" }),
      params: {
        case: "build",
        value: { configJson: JSON.stringify({ build: { command: "echo built-by-agent" } }) },
      },
    });
    const shown = await berth(["job", "show", job!.id, "-f"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("built-by-agent");
    expect(shown.stdout).toMatch(/Push artifact to the server registry/);
    expect(shown.stdout).toMatch(/build ci\/hello: success/);
    const { job: done } = await jobs.getJob({ id: job!.id });
    expect(done?.state).toBe(JobState.SUCCESS);
    expect(done?.result?.artifactDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const builds = await server.ctx.store.db.selectFrom("builds").selectAll().execute();
    expect((JSON.parse(builds[0]!.timings_json) as { phase: string }[]).map((t) => t.phase)).toEqual([
      "copy",
      "command",
      "pack",
      "push",
    ]);
    expect(builds.map((b) => [b.status, b.git_sha, b.artifact_digest])).toEqual([
      ["success", "a".repeat(40), done?.result?.artifactDigest],
    ]);
  }, 60_000);
});
