// A deploy whose app exits at once fails fast: `berth up` of an app that dies on start ends long before its
// start_timeout, naming the exit code and the app's last lines, and the released version keeps serving.
// Real processes throughout (the process platform, through berth-entrypoint).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningServer } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test/helpers/test-server.js";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { helloNodeExample as example, runBerth } from "./helpers/run-berth.js";

const berthHcl = `project = "ff"

app "hello-node" {
  build {
    use "archive" { command = "" }
  }
  deploy {
    use "process" {
      command = "node server.js"
      count   = 1
      health {
        path          = "/healthz"
        interval      = "1s"
        start_timeout = "5m"
      }
    }
  }
}
`;

describe("a deploy whose app exits at once (process platform)", { timeout: 120_000 }, () => {
  let server: RunningServer;
  let dataDir: string;
  let configDir: string;
  let repo: string;
  const berth = (args: string[]) =>
    runBerth(args, {
      cwd: repo,
      env: {
        ...process.env,
        BERTH_CONFIG_DIR: configDir,
        BERTH_CACHE_DIR: join(dataDir, "runner-cache"),
        NO_COLOR: "1",
      },
      timeout: 90_000,
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "berth-ff-server-"));
    configDir = mkdtempSync(join(tmpdir(), "berth-ff-config-"));
    repo = mkdtempSync(join(tmpdir(), "berth-ff-repo-"));
    cpSync(example, repo, { recursive: true });
    writeFileSync(join(repo, "berth.hcl"), berthHcl);
    gitIn(repo, "init", "-q", "-b", "main");
    server = await startTestServer({ dataDir, builtinRunner: true, shutdownGraceMs: 500 });
    const login = await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!]);
    expect(login.code).toBe(0);
  });

  afterAll(async () => {
    await server?.close();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("fails well before start_timeout with the exit code and last lines; v1 keeps serving", async () => {
    commitAll(repo, "a healthy version");
    const up1 = await berth(["up", "--json"]);
    expect(up1.code).toBe(0);
    const [r1] = JSON.parse(up1.stdout) as { appUrl: string }[];

    writeFileSync(
      join(repo, "server.js"),
      'console.log("starting");\nconsole.error("boom: DATABASE_URL is not set");\nprocess.exit(3);\n',
    );
    commitAll(repo, "a version that dies on start");
    const started = Date.now();
    const up2 = await berth(["up"]);
    const tookMs = Date.now() - started;
    expect(up2.code).toBe(1);
    // start_timeout is 5 minutes: the deploy ended on the crash loop, not on the deadline.
    expect(tookMs).toBeLessThan(60_000);
    expect(up2.stderr).toMatch(
      /v2 is unhealthy: instance 0 exited 3 times without ever becoming healthy \(exit code 3\); its last log lines: \(job \w+; see berth job show \w+\)\n/,
    );
    expect(up2.stderr).toContain("\n    boom: DATABASE_URL is not set");

    const status = JSON.parse((await berth(["status", "--json"])).stdout) as {
      releasedSeq: number;
      deployments: { seq: number; status: string }[];
    }[];
    expect(status[0]!.releasedSeq).toBe(1);
    expect(status[0]!.deployments.find((d) => d.seq === 2)?.status).toBe("unhealthy");
    const served = await httpGet(server.routerPort, new URL(r1!.appUrl).host);
    expect(served.status).toBe(200);
  });
});
