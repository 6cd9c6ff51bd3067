// One berth.hcl, two apps in their own folders: an HTTP app checked by path and a plain TCP service checked by
// connecting (the service answers with a banner and has no socket error handler: the probe must close gently).
// `berth up` ships both; `--app` narrows it to one; a TCP service that never listens fails its deploy and leaves the
// released version serving.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningServer } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test/helpers/test-server.js";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { helloNodeExample, runBerth } from "./helpers/run-berth.js";

const berthHcl = (workerCommand: string, startTimeout = "30s") => `project = "multi"

app "web" {
  path = "web"
  build {
    use "archive" {}
  }
  deploy {
    use "process" {
      command = "node server.js"
      health {
        path     = "/healthz"
        interval = "200ms"
      }
    }
  }
}

app "worker" {
  path = "worker"
  build {
    use "archive" {}
  }
  deploy {
    use "process" {
      command = "${workerCommand}"
      count   = 2
      health {
        tcp           = true
        interval      = "200ms"
        start_timeout = "${startTimeout}"
      }
    }
  }
}
`;

// A TCP service with no HTTP at all: it answers every connection with one line.
const workerJs = `import net from "node:net";
net.createServer((s) => s.end("pong\\n")).listen(Number(process.env.PORT), "127.0.0.1");
`;

interface DeploymentJson {
  seq: number;
  status: string;
  released: boolean;
}

interface UpResult {
  app: string;
  deploymentUrl: string;
  appUrl: string;
}

describe("a berth.hcl with two apps (real processes)", { timeout: 120_000 }, () => {
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

  const history = async (app: string) => {
    const run = await berth(["deployments", "--app", app, "--json"]);
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as DeploymentJson[];
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "berth-multi-server-"));
    configDir = mkdtempSync(join(tmpdir(), "berth-multi-config-"));
    repo = mkdtempSync(join(tmpdir(), "berth-multi-repo-"));
    cpSync(helloNodeExample, join(repo, "web"), { recursive: true });
    rmSync(join(repo, "web", "berth.hcl"));
    mkdirSync(join(repo, "worker"));
    writeFileSync(join(repo, "worker", "package.json"), '{ "name": "worker", "type": "module" }\n');
    writeFileSync(join(repo, "worker", "worker.js"), workerJs);
    writeFileSync(join(repo, "berth.hcl"), berthHcl("node worker.js"));
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "two apps");
    // The built-in runner takes the deploy and release jobs; the CLI builds from its working tree.
    server = await startTestServer({ dataDir, builtinRunner: true, shutdownGraceMs: 500 });
    const login = await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!]);
    expect(login.code).toBe(0);
  });

  afterAll(async () => {
    await server?.close();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("up ships both apps; the HTTP one serves through the router, the TCP one passes its connect check", async () => {
    const up = await berth(["up", "--json"]);
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    const results = JSON.parse(up.stdout) as UpResult[];
    expect(results.map((r) => [r.app, new URL(r.deploymentUrl).hostname])).toEqual([
      ["web", "web--v1.multi.localhost"],
      ["worker", "worker--v1.multi.localhost"],
    ]);
    const web = await httpGet(server.routerPort, new URL(results[0]!.appUrl).host);
    expect(web.status).toBe(200);

    expect(await history("worker")).toMatchObject([{ seq: 1, status: "healthy", released: true }]);
  });

  it("a TCP service that never listens fails its deploy by the start timeout; v1 stays released and healthy", async () => {
    writeFileSync(join(repo, "berth.hcl"), berthHcl("node -e setInterval(()=>{},1000)", "5s"));
    commitAll(repo, "worker that never listens");
    const up = await berth(["up", "--app", "worker"]);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/health|TCP connect/i);

    expect(await history("worker")).toMatchObject([
      // Left running (unreleased) so its logs and a terminal can show why.
      { seq: 2, status: "unhealthy", released: false },
      { seq: 1, status: "healthy", released: true },
    ]);
    // web was not part of this `up`.
    expect((await history("web")).map((d) => d.seq)).toEqual([1]);
  });
});
