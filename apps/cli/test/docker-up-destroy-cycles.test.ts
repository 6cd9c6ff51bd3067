// 20 `berth up` / `berth destroy` cycles of examples/hello-node on the docker platform leave no container behind
// and no more built images than the app's cache (`keep_images`) plus those live deployments use (v1 runs, unreleased,
// throughout). Every cycle commits a change, so every `up` builds a new image. Against a real Docker engine this test starts itself (private socket, temp dirs, host
// networking only), as docker-platform.test.ts does.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { helloNodeExample, runBerth } from "./helpers/run-berth.js";
import { freePort, killProcess, type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { importNodeBaseImage, startTestDockerd, type TestDockerd } from "./helpers/test-dockerd.js";

const cycles = 20;
const keepImages = 3;
const appRepo = "berth/examples-hello-node";

/** The app's images Berth built (by their tag), newest first as the engine lists them. */
async function builtImages(docker: Docker): Promise<string[]> {
  const images = await docker.listImages();
  return images.flatMap((i) => (i.RepoTags ?? []).filter((t) => t.startsWith(`${appRepo}:`)));
}

describe("up/destroy cycles on the docker platform (a dockerd of the test's own)", {
  timeout: 300_000,
}, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-dcyc-data-"));
  const configDir = mkdtempSync(join(tmpdir(), "berth-dcyc-config-"));
  const repo = mkdtempSync(join(tmpdir(), "berth-dcyc-repo-"));
  const env = {
    ...process.env,
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "cache"),
    NO_COLOR: "1",
  };
  let dockerd: TestDockerd;
  let server: ServerProcess | undefined;
  const berth = (args: string[]) => runBerth(args, { cwd: repo, env, timeout: 120_000 });

  beforeAll(async () => {
    dockerd = await startTestDockerd();
    const image = await importNodeBaseImage(dockerd.docker, "berth-test/node", "1");
    cpSync(helloNodeExample, repo, { recursive: true });
    // One container per deployment: what is left behind is counted the same, in half the engine's time.
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8")
      .replace(
        'use "process" {',
        `use "docker" {\n      image       = "${image}"\n      socket      = "${dockerd.socket}"\n      keep_images = ${keepImages}`,
      )
      .replace("count   = 2", "count   = 1");
    expect(hcl).toContain(`keep_images = ${keepImages}`);
    expect(hcl).toContain("count   = 1");
    writeFileSync(join(repo, "berth.hcl"), hcl);
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "v1");
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

  it(`${cycles} cycles leave 0 containers and at most ${keepImages} built images (the cache)`, async () => {
    const docker = dockerd.docker;
    const baseImages = (await docker.listImages({ all: true })).length;
    /** Image layers one build adds (the build's intermediate images included), measured on the first. */
    let layersPerBuild = 0;
    const seen = new Set<string>();
    /** v1 keeps running, unreleased, throughout: its image is the oldest, and in use, so it must stay. */
    let first = { deployment: "", image: "" };
    for (let seq = 1; seq <= cycles; seq++) {
      // A new commit: a new artifact, so a new image.
      if (seq > 1) {
        appendFileSync(join(repo, "server.js"), `// cycle ${seq}\n`);
        commitAll(repo, `cycle ${seq}`);
      }
      const up = await berth(["up", "-q"]);
      expect(up.code, `up v${seq}: ${up.stderr}`).toBe(0);
      if (seq > 2) {
        const destroyed = await berth(["destroy", `v${seq - 1}`]);
        expect(destroyed.code, `destroy v${seq - 1}: ${destroyed.stderr}`).toBe(0);
      }
      // v1's container and the released deployment's are left: none of an earlier cycle, no build container.
      const containers = await docker.listContainers({ all: true });
      if (seq === 1) {
        first = {
          deployment: containers[0]?.Labels["berth.deployment"] ?? "",
          image: containers[0]?.Image ?? "",
        };
        layersPerBuild = (await docker.listImages({ all: true })).length - baseImages;
      }
      const released = containers.find((c) => c.Labels["berth.deployment"] !== first.deployment);
      expect(containers, `after cycle ${seq}`).toHaveLength(seq === 1 ? 1 : 2);
      expect(containers.map((c) => c.Labels["berth.deployment"])).toContain(first.deployment);
      const images = await builtImages(docker);
      for (const tag of images) seen.add(tag);
      // The cache, plus v1's image (older than all of it, yet in use).
      expect(images.length, `built images after cycle ${seq}: ${images.join(", ")}`).toBeLessThanOrEqual(
        keepImages + 1,
      );
      expect(images).toContain(first.image);
      if (released) expect(images).toContain(released.Image);
    }
    // Every cycle built an image of its own: the cache was really pruned, not just never filled.
    expect(seen.size).toBe(cycles);
    expect(layersPerBuild).toBeGreaterThan(0);

    // Deleting the app destroys v1 and the released deployment too; then v1's image is no longer in use.
    const deleted = await berth(["apps", "delete", "hello-node", "--yes"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await docker.listContainers({ all: true })).toEqual([]);
    const left = await builtImages(docker);
    expect(left).toHaveLength(keepImages);
    expect(left).not.toContain(first.image);
    // The pruned images' layers went with them: what stays is the base image and the cache.
    expect((await docker.listImages({ all: true })).length).toBeLessThanOrEqual(
      baseImages + keepImages * layersPerBuild,
    );
  });
});
