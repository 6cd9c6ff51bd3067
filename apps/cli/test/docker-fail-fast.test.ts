// A container that exits at once fails `berth up` fast: Docker restarts it (unless-stopped), and after its third
// exit without ever being healthy the deploy ends with its exit code and last log lines, long before the
// start_timeout. Against a real Docker engine this test starts itself (private socket, temp dirs, host networking
// only), as docker-platform.test.ts does.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { helloNodeExample, runBerth } from "./helpers/run-berth.js";
import { freePort, killProcess, type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { importNodeBaseImage, startTestDockerd, type TestDockerd } from "./helpers/test-dockerd.js";

describe("a container that exits at once (a dockerd of the test's own)", { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-dff-data-"));
  const configDir = mkdtempSync(join(tmpdir(), "berth-dff-config-"));
  const repo = mkdtempSync(join(tmpdir(), "berth-dff-repo-"));
  const env = {
    ...process.env,
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "cache"),
    NO_COLOR: "1",
  };
  let dockerd: TestDockerd;
  let server: ServerProcess | undefined;
  const berth = (args: string[]) => runBerth(args, { cwd: repo, env, timeout: 180_000 });

  beforeAll(async () => {
    dockerd = await startTestDockerd();
    const image = await importNodeBaseImage(dockerd.docker, "berth-test/node", "1");
    cpSync(helloNodeExample, repo, { recursive: true });
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8")
      .replace(
        'use "process" {',
        `use "docker" {\n      image  = "${image}"\n      socket = "${dockerd.socket}"`,
      )
      .replace("count   = 2", "count   = 1")
      .replace('start_timeout = "30s"', 'start_timeout = "5m"');
    expect(hcl).toContain('start_timeout = "5m"');
    writeFileSync(join(repo, "berth.hcl"), hcl);
    writeFileSync(
      join(repo, "server.js"),
      'console.log("starting");\nconsole.error("boom: DATABASE_URL is not set");\nprocess.exit(3);\n',
    );
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "a version that dies on start");
    server = await startServerProcess({
      dataDir,
      env,
      apiPort: await freePort(),
      routerPort: await freePort(),
    });
    const login = await berth([
      "login",
      "--server",
      server.ready.apiUrl,
      "--token",
      server.ready.bootstrapToken!,
    ]);
    expect(login.code, login.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    if (server) await killProcess(server, "SIGTERM");
    await dockerd?.stop();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      rmSync(dir, { recursive: true, force: true });
  });

  it("up fails well before start_timeout naming exit code 3 and the app's last line; nothing is released", async () => {
    const started = Date.now();
    const up = await berth(["up"]);
    const tookMs = Date.now() - started;
    expect(up.code).toBe(1);
    // start_timeout is 5 minutes: the deploy ended on the crash loop (image build included), not on the deadline.
    expect(tookMs).toBeLessThan(120_000);
    expect(up.stderr).toMatch(
      /v1 is unhealthy: instance 0 exited \d+ times without ever becoming healthy \(exit code 3\); its last log lines:/,
    );
    expect(up.stderr).toContain("\n    boom: DATABASE_URL is not set");
    const status = JSON.parse((await berth(["status", "--json"])).stdout) as {
      releasedSeq: number;
      deployments: { seq: number; status: string }[];
    }[];
    expect(status[0]!.releasedSeq).toBe(0);
    expect(status[0]!.deployments.find((d) => d.seq === 1)?.status).toBe("unhealthy");
  });
});
