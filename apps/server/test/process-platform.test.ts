import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Header } from "tar";
import { afterEach, describe, expect, it } from "vitest";
import { packDirectory } from "../src/builders/pack-directory.js";
import { upsertApplication } from "../src/catalog/projects.js";
import { insertDeployment } from "../src/history/insert-history.js";
import type { DeploymentSpec, InstanceView, Platform } from "../src/platforms/platform.js";
import { isAlive } from "../src/platforms/process/instance-supervisor.js";
import { createProcessPlatform } from "../src/platforms/process/process-platform.js";
import { openStore, type Store } from "../src/store/open-store.js";

const app = `require("node:http").createServer((q, s) => s.end("v=" + process.env.V + " id=" + process.env.BERTH_INSTANCE_ID)).listen(process.env.PORT, "127.0.0.1");`;

async function until<T>(what: string, fn: () => T | undefined | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let dir: string;
let store: Store;
let platform: Platform | undefined;

afterEach(async () => {
  await platform?.close({ stopInstances: true });
  platform = undefined;
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function setup(source: string, health = "/"): Promise<DeploymentSpec> {
  dir = await mkdtemp(join(tmpdir(), "berth-platform-"));
  store = await openStore({ path: join(dir, "berth.db") });
  const srcDir = join(dir, "src");
  await import("node:fs/promises").then((fs) => fs.mkdir(srcDir));
  await writeFile(join(srcDir, "server.js"), source);
  const artifact = await packDirectory(srcDir, join(dir, "artifacts"));
  const appRow = await upsertApplication(store.db, {
    project: "shop",
    app: "web",
    labels: {},
    configJson: "",
  });
  const dep = await insertDeployment(store.db, { appId: appRow.id });
  return {
    deploymentId: dep.id,
    project: "shop",
    app: "web",
    seq: dep.seq,
    command: "node server.js",
    count: 2,
    health: { path: health, intervalMs: 100, timeoutMs: 500 },
    artifactPath: artifact.path,
  };
}

function start(
  envFor = async (_s: DeploymentSpec, i: InstanceView) => ({ V: "1", BERTH_INSTANCE_ID: i.id }),
) {
  platform = createProcessPlatform({
    dir: join(dir, "deployments"),
    db: store.db,
    envFor,
    entrypoint: "none",
    graceMs: 1000,
  });
  return platform;
}

/** A tar.gz whose first file unpacks and whose second entry (a hard link to nothing) fails mid-extraction. */
function halfExtractable(): Buffer {
  const header = (o: ConstructorParameters<typeof Header>[0]) => {
    const h = Buffer.alloc(512);
    new Header(o).encode(h, 0);
    return h;
  };
  const body = Buffer.concat([Buffer.from("ok"), Buffer.alloc(510)]);
  return gzipSync(
    Buffer.concat([
      header({ path: "server.js", mode: 0o644, size: 2, type: "File", mtime: new Date(0) }),
      body,
      header({
        path: "b.js",
        mode: 0o644,
        size: 0,
        type: "Link",
        linkpath: "missing.js",
        mtime: new Date(0),
      }),
      Buffer.alloc(1024),
    ]),
  );
}

describe("process platform", () => {
  it("removes a deployment whose artifact fails halfway through unpacking", async () => {
    const spec = await setup(app);
    const artifactPath = join(dir, "half.tar.gz");
    await writeFile(artifactPath, halfExtractable());
    const p = start();
    const err = await p
      .deploy({ ...spec, artifactPath }, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(existsSync(join(dir, "deployments", spec.deploymentId))).toBe(false);
  });

  it("runs count instances, restarts a killed one, and stops them on close", async () => {
    const spec = await setup(app);
    const p = start();
    await p.deploy(spec, new AbortController().signal);
    const healthy = () =>
      p.instances(spec.deploymentId).every((i) => i.health === "healthy") && p.instances(spec.deploymentId);
    const first = await until("two healthy instances", healthy);
    expect(first).toHaveLength(2);
    const body = await (await fetch(`http://127.0.0.1:${first[0]!.port}/`)).text();
    expect(body).toBe(`v=1 id=${first[0]!.id}`);

    process.kill(first[0]!.pid, "SIGKILL");
    await until("the killed instance to restart", () => p.instances(spec.deploymentId)[0]!.restarts === 1);
    // Its latest exit is told as a shell would: 128 + the signal's number.
    expect(p.instances(spec.deploymentId)[0]!.exitCode).toBe(137);
    const again = await until("healthy again", healthy);
    expect(again[0]!.pid).not.toBe(first[0]!.pid);
    const rows = await store.db.selectFrom("instances").selectAll().orderBy("idx").execute();
    await until("the row to show the restart", () => true);
    expect(rows.map((r) => r.idx)).toEqual([0, 1]);

    const pids = again.map((i) => i.pid);
    await p.close({ stopInstances: true });
    platform = undefined;
    expect(pids.some(isAlive)).toBe(false);
  });

  it("leaves an app that never passes its health check unhealthy", async () => {
    const spec = await setup(app, "/");
    const bad = app.replace("(q, s) => s.end(", "(q, s) => s.writeHead(500).end(");
    await writeFile(join(dir, "src", "server.js"), bad);
    const artifact = await packDirectory(join(dir, "src"), join(dir, "artifacts"));
    const p = start();
    await p.deploy({ ...spec, artifactPath: artifact.path, count: 1 }, new AbortController().signal);
    const inst = await until("an unhealthy verdict", () =>
      p.instances(spec.deploymentId).find((i) => i.health === "unhealthy"),
    );
    expect(inst.lastHealthError).toMatch(/answered 500/);
  });

  it("re-adopts live instances after a restart of the platform", async () => {
    const spec = await setup(app);
    const p = start();
    await p.deploy(spec, new AbortController().signal);
    const before = await until(
      "healthy",
      () =>
        p.instances(spec.deploymentId).every((i) => i.health === "healthy") && p.instances(spec.deploymentId),
    );
    // A server stop lets go of its instances (they keep serving); the next server re-adopts them.
    await p.close();
    expect(before.map((i) => i.pid).every(isAlive)).toBe(true);
    const rowsAfterClose = await store.db
      .selectFrom("instances")
      .select(["pid", "state"])
      .orderBy("idx")
      .execute();
    expect(rowsAfterClose).toEqual(before.map((i) => ({ pid: i.pid, state: "running" })));
    const p2 = createProcessPlatform({
      dir: join(dir, "deployments"),
      db: store.db,
      envFor: async (_s, i) => ({ V: "2", BERTH_INSTANCE_ID: i.id }),
      entrypoint: "none",
      graceMs: 1000,
    });
    expect(await p2.resume([spec])).toEqual({ adopted: 2, started: 0 });
    expect(p2.instances(spec.deploymentId).map((i) => i.pid)).toEqual(before.map((i) => i.pid));
    expect(p2.instances(spec.deploymentId).map((i) => i.port)).toEqual(before.map((i) => i.port));

    // An entrypoint that replaced its app on a new port: routes and probes follow, it counts as a restart.
    const moved = before[0]!;
    expect(p2.setInstancePort(moved.id, moved.port)).toBe(false);
    expect(p2.setInstancePort(moved.id, 65001)).toBe(true);
    expect(p2.instances(spec.deploymentId)[0]).toMatchObject({ port: 65001, restarts: moved.restarts + 1 });
    await p2.close({ stopInstances: true });
    const row = await store.db
      .selectFrom("instances")
      .select(["port", "restarts"])
      .where("id", "=", moved.id)
      .executeTakeFirst();
    expect(row).toEqual({ port: 65001, restarts: moved.restarts + 1 });
    expect(before.map((i) => i.pid).some(isAlive)).toBe(false);
    platform = undefined;
  });

  it("destroy stops the instances, marks their rows stopped and removes the unpacked app", async () => {
    const spec = await setup(app);
    const p = start();
    await p.deploy({ ...spec, count: 1 }, new AbortController().signal);
    const [inst] = await until(
      "a healthy instance",
      () =>
        p.instances(spec.deploymentId).find((i) => i.health === "healthy") && p.instances(spec.deploymentId),
    );
    await p.destroy(spec.deploymentId);
    expect(isAlive(inst!.pid)).toBe(false);
    expect(p.instances(spec.deploymentId)).toEqual([]);
    const rows = await store.db.selectFrom("instances").select(["state", "pid"]).execute();
    expect(rows).toEqual([{ state: "stopped", pid: 0 }]);
    const { existsSync } = await import("node:fs");
    expect(existsSync(inst!.cwd)).toBe(false);
    expect(existsSync(inst!.logFile)).toBe(true);
  });
});
