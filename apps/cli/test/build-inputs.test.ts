// What `berth up` ships from a directory that is not a git repository: .gitignore still applies, berth.hcl's
// `exclude` too, and the build says that it records no commit. Real binary, real server, real deployment.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningServer } from "@berth/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../server/test/helpers/test-server.js";
import { helloNodeExample as example, runBerth } from "./helpers/run-berth.js";

describe("build inputs outside a git repository (real processes)", { timeout: 120_000 }, () => {
  let server: RunningServer;
  let dataDir: string;
  let configDir: string;
  let project: string;
  const berth = (args: string[]) =>
    runBerth(args, {
      cwd: project,
      env: {
        ...process.env,
        BERTH_CONFIG_DIR: configDir,
        BERTH_CACHE_DIR: join(dataDir, "runner-cache"),
        NO_COLOR: "1",
      },
      timeout: 60_000,
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "berth-inputs-server-"));
    configDir = mkdtempSync(join(tmpdir(), "berth-inputs-config-"));
    project = mkdtempSync(join(tmpdir(), "berth-inputs-project-"));
    server = await startTestServer({ dataDir, builtinRunner: true, shutdownGraceMs: 500 });
    const login = await berth([
      "login",
      "--server",
      server.apiUrl,
      "--token",
      server.bootstrapToken!,
      "--name",
      "t",
    ]);
    expect(login.code).toBe(0);
  });

  afterAll(async () => {
    await server?.close();
    const appsDir = server?.ctx.options.appsDir;
    for (const dir of [dataDir, appsDir, configDir, project])
      if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("leaves out what .gitignore and exclude list, and warns that provenance is missing", async () => {
    cpSync(example, project, { recursive: true });
    const hcl = readFileSync(join(project, "berth.hcl"), "utf8").replace(
      'command = ""',
      'command = ""\n      exclude = ["*.log", "/fixtures/"]',
    );
    writeFileSync(join(project, "berth.hcl"), hcl.replace("count   = 2", "count   = 1"));
    writeFileSync(join(project, ".gitignore"), "secret.env\n");
    writeFileSync(join(project, "secret.env"), "TOKEN=never-ship-me\n");
    writeFileSync(join(project, "debug.log"), "noise\n");
    mkdirSync(join(project, "fixtures"));
    writeFileSync(join(project, "fixtures", "big.json"), "{}");

    const up = await berth(["up"]);
    expect(up.stderr + up.stdout).toContain("is not in a git repository, so this build records no commit");
    expect(up.code).toBe(0);

    const deployments = server.ctx.options.appsDir;
    const [deployment] = readdirSync(deployments);
    const shipped = join(deployments, deployment!, "app");
    expect(existsSync(join(shipped, "server.js"))).toBe(true);
    expect(existsSync(join(shipped, "secret.env"))).toBe(false);
    expect(existsSync(join(shipped, "debug.log"))).toBe(false);
    expect(existsSync(join(shipped, "fixtures"))).toBe(false);
  });
});
