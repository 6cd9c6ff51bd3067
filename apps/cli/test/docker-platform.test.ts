// The docker platform against a real Docker engine: this test starts its own dockerd (private socket, temp
// --data-root/--exec-root, no bridge, no iptables), imports a base image made of this machine's own node (no
// registry is reachable), then `berth up` with `deploy { use "docker" }` through a real `berth server run`.
// Containers use the host's network only. The test installs nothing: .ci/run installs Debian's docker.io.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeploymentService, HealthState, InstanceState, type LogLine, LogService } from "@berth/proto";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type Docker from "dockerode";
import * as pty from "node-pty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { berthBin, helloNodeExample, runBerth } from "./helpers/run-berth.js";
import { freePort, killProcess, type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { importNodeBaseImage, startTestDockerd, type TestDockerd } from "./helpers/test-dockerd.js";
import { until as pollUntil } from "./helpers/until.js";

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 60_000) =>
  pollUntil(what, fn, ms, 100);

/** GET / through the router with the app's Host header; status 0 while nothing listens yet. */
const viaRouter = (port: number, host: string) => httpGet(port, host).catch(() => ({ status: 0, body: "" }));

/** Berth's containers on the engine, by deployment label. */
async function berthContainers(docker: Docker) {
  return docker.listContainers({ all: true, filters: JSON.stringify({ label: ["berth.deployment"] }) });
}

describe("docker platform (a dockerd of the test's own)", { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-docker-data-"));
  const configDir = mkdtempSync(join(tmpdir(), "berth-docker-config-"));
  const repo = mkdtempSync(join(tmpdir(), "berth-docker-repo-"));
  const env = {
    ...process.env,
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "cache"),
    NO_COLOR: "1",
  };
  let dockerd: TestDockerd;
  let server: ServerProcess | undefined;
  let ports: { apiPort: number; routerPort: number };
  const berth = (args: string[]) => runBerth(args, { cwd: repo, env, timeout: 180_000 });
  const appHost = "hello-node.examples.localhost";
  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  let token = "";
  /** The deployment the destroy test removed (v1). */
  let destroyedId = "";
  /** The released deployment's instances as the server reports them (state, health, entrypoint connected). */
  const releasedInstances = async () => {
    const api = createClient(
      DeploymentService,
      createGrpcTransport({ baseUrl: server!.ready.apiUrl, interceptors: [auth] }),
    );
    const app = { project: "examples", app: "hello-node" };
    const released = (await api.listDeployments({ app })).deployments.find((d) => d.released);
    return released ? (await api.listInstances({ deploymentId: released.id })).instances : [];
  };
  /** Both instances running, healthy, and their entrypoints (inside the containers) connected to the server. */
  const allConnected = () =>
    until("both instances to be healthy with their entrypoints connected", async () => {
      const list = await releasedInstances().catch(() => []);
      return (
        list.length === 2 &&
        list.every(
          (i) => i.state === InstanceState.RUNNING && i.health === HealthState.HEALTHY && i.connected,
        ) &&
        list
      );
    });
  const start = async () => {
    server = await startServerProcess({ dataDir, env, ...ports, stopAppsOnExit: false });
  };

  beforeAll(async () => {
    dockerd = await startTestDockerd();
    const image = await importNodeBaseImage(dockerd.docker, "berth-test/node", "1");
    ports = { apiPort: await freePort(), routerPort: await freePort() };
    cpSync(helloNodeExample, repo, { recursive: true });
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8").replace(
      'use "process" {',
      `use "docker" {\n      image  = "${image}"\n      socket = "${dockerd.socket}"\n      memory = "256m"\n      cpus   = 1`,
    );
    expect(hcl).toContain('use "docker"');
    writeFileSync(join(repo, "berth.hcl"), hcl);
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "v1");
    await start();
    token = server!.ready.bootstrapToken!;
    const login = await berth([
      "login",
      "--server",
      server!.ready.apiUrl,
      "--token",
      server!.ready.bootstrapToken!,
    ]);
    expect(login.code, login.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    if (server) await killProcess(server, "SIGKILL");
    // Stopping dockerd stops its containers (no live-restore); then its state goes with the temp dir.
    await dockerd?.stop();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      rmSync(dir, { recursive: true, force: true });
  });

  it("up runs 2 labelled containers on the host network that answer at the app URL", async () => {
    const up = await berth(["up", "-q"]);
    expect(up.code, up.stderr).toBe(0);
    const containers = await berthContainers(dockerd.docker);
    expect(containers).toHaveLength(2);
    for (const c of containers) {
      expect(c.State).toBe("running");
      expect(c.Labels).toMatchObject({ "berth.project": "examples", "berth.app": "hello-node" });
      expect(c.Labels["berth.deployment"]).toMatch(/^[0-9A-Z]{26}$/);
      expect(c.Labels["berth.instance"]).toMatch(/^[0-9A-Z]{26}$/);
      const info = await dockerd.docker.getContainer(c.Id).inspect();
      expect(info.HostConfig.NetworkMode).toBe("host");
      expect(info.HostConfig.RestartPolicy?.Name).toBe("unless-stopped");
      expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
      expect(info.HostConfig.NanoCpus).toBe(1e9);
      expect(info.Config.Entrypoint).toEqual(["node", "/berth/berth-entrypoint.js", "--"]);
    }
    expect(new Set(containers.map((c) => c.Labels["berth.idx"]))).toEqual(new Set(["0", "1"]));
    const instances = await allConnected();
    expect(new Set(instances.map((i) => i.id))).toEqual(
      new Set(containers.map((c) => c.Labels["berth.instance"])),
    );
    // Both instances serve through the router at the app URL.
    const seen = await until("both containers to answer through the router", async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const res = await viaRouter(ports.routerPort, appHost);
        if (res.status !== 200) return false;
        ids.add((JSON.parse(res.body) as { instance: string }).instance);
      }
      return ids.size === 2 && ids;
    });
    expect(seen).toEqual(new Set(containers.map((c) => c.Labels["berth.instance"])));
    // The apps' output reaches the server's logs through the entrypoints inside the containers.
    const logs = createClient(
      LogService,
      createGrpcTransport({ baseUrl: server!.ready.apiUrl, interceptors: [auth] }),
    );
    const deploymentId = containers[0]!.Labels["berth.deployment"]!;
    const lines = await until("request log lines from both containers", async () => {
      const got: LogLine[] = [];
      for await (const r of logs.getLogStream({ deploymentId, tailLines: 1000 })) got.push(...r.lines);
      const from = new Set(
        got.filter((l) => Buffer.from(l.data).toString().includes("GET /")).map((l) => l.instanceId),
      );
      return from.size === 2 && from;
    });
    expect(lines).toEqual(seen);
  });

  it("berth exec runs a command inside a container (its pid 1 is the entrypoint) and passes its exit code", async () => {
    const script =
      "console.log(require('fs').readFileSync('/proc/1/cmdline', 'utf8').split('\\0').join(' ')); process.exit(3)";
    const r = await berth(["exec", "--", "node", "-e", script]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain("node /berth/berth-entrypoint.js -- sh -c node server.js");
  });

  it("berth exec -t opens a terminal inside a container", async () => {
    const term = pty.spawn(process.execPath, [berthBin, "exec", "-t", "--", "sh"], {
      cols: 80,
      rows: 24,
      cwd: repo,
      env: env as Record<string, string>,
    });
    let screen = "";
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    term.onData((data) => {
      screen += data;
    });
    // Only the container has the entrypoint bundle at /berth and the app at /app; $((6*7)) keeps the echo of
    // the typed line itself from matching.
    term.write("test -f /berth/berth-entrypoint.js && test -d /app && echo IN-CONTAINER-$((6*7))\r");
    await until("the container's shell to answer", async () => screen.includes("IN-CONTAINER-42"));
    term.write("exit 5\r");
    expect(await exited).toBe(5);
  });

  it("a config change rolls out inside the containers (the entrypoint moves the app to a new port)", async () => {
    const before = (await berthContainers(dockerd.docker)).map((c) => c.Id).sort();
    const set = await berth(["config", "set", "GREETING=hello from a container"]);
    expect(set.code, set.stderr).toBe(0);
    await until("both instances to serve the new greeting through the router", async () => {
      const greetings = new Set<string>();
      for (let i = 0; i < 10; i++) {
        const res = await viaRouter(ports.routerPort, appHost);
        if (res.status !== 200) return false;
        greetings.add((JSON.parse(res.body) as { greeting: string }).greeting);
      }
      return greetings.size === 1 && greetings.has("hello from a container");
    });
    // The same containers: the app was replaced inside them, not the containers.
    expect((await berthContainers(dockerd.docker)).map((c) => c.Id).sort()).toEqual(before);
    await allConnected();
  });

  it("a server killed with SIGKILL leaves them serving; the next one re-adopts the same containers", async () => {
    const before = (await berthContainers(dockerd.docker)).map((c) => c.Id).sort();
    await killProcess(server!, "SIGKILL");
    const during = await berthContainers(dockerd.docker);
    expect(during.every((c) => c.State === "running")).toBe(true);
    await start();
    await until("the router of the restarted server to serve the app", async () => {
      const res = await viaRouter(ports.routerPort, appHost);
      return res.status === 200;
    });
    const after = await berthContainers(dockerd.docker);
    expect(after.map((c) => c.Id).sort()).toEqual(before);
    // The entrypoints reconnect to the new server on their own (outbound, from inside the containers).
    await allConnected();
    expect(after.every((c) => c.State === "running")).toBe(true);
  });

  it("destroy removes a deployment's containers and leaves the released one's", async () => {
    writeFileSync(join(repo, "note.txt"), "v2\n");
    commitAll(repo, "v2");
    const up = await berth(["up", "-q"]);
    expect(up.code, up.stderr).toBe(0);
    const all = await berthContainers(dockerd.docker);
    expect(all).toHaveLength(4);
    const destroyed = await berth(["destroy", "v1"]);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    const left = await berthContainers(dockerd.docker);
    expect(left).toHaveLength(2);
    destroyedId = all
      .map((c) => c.Labels["berth.deployment"]!)
      .find((id) => !left.some((c) => c.Labels["berth.deployment"] === id))!;
    expect(new Set(left.map((c) => c.Labels["berth.deployment"])).size).toBe(1);
    expect((await viaRouter(ports.routerPort, appHost)).status).toBe(200);
  });

  it("berth scale adds a container to the released deployment and removes it again, without a redeploy", async () => {
    const before = await berthContainers(dockerd.docker);
    expect(before).toHaveLength(2);
    const up = await berth(["scale", "v2", "--count", "3"]);
    expect(up.code, up.stderr).toBe(0);
    const three = await berthContainers(dockerd.docker);
    expect(three).toHaveLength(3);
    // The two it had are the same containers: nothing was redeployed.
    expect(three.map((c) => c.Id)).toEqual(expect.arrayContaining(before.map((c) => c.Id)));
    expect(new Set(three.map((c) => c.Labels["berth.idx"]))).toEqual(new Set(["0", "1", "2"]));
    await until("the third instance to be healthy", async () => {
      const list = await releasedInstances().catch(() => []);
      return list.length === 3 && list.every((i) => i.health === HealthState.HEALTHY) && list;
    });
    const down = await berth(["scale", "v2", "--count", "2"]);
    expect(down.code, down.stderr).toBe(0);
    expect((await berthContainers(dockerd.docker)).map((c) => c.Id).sort()).toEqual(
      before.map((c) => c.Id).sort(),
    );
    expect(await releasedInstances()).toHaveLength(2);
    expect((await viaRouter(ports.routerPort, appHost)).status).toBe(200);
  });

  it("a base image the engine does not have fails the build, naming it", async () => {
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8");
    writeFileSync(
      join(repo, "berth.hcl"),
      hcl.replace(/image {2}= "[^"]+"/, 'image  = "berth-test/absent:1"'),
    );
    commitAll(repo, "absent base image");
    const up = await berth(["up"]);
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toContain('building the image on "berth-test/absent:1" failed');
    // Nothing was started for it; the released deployment still serves.
    expect(await berthContainers(dockerd.docker)).toHaveLength(2);
    expect((await viaRouter(ports.routerPort, appHost)).status).toBe(200);
  });

  it("the next server start removes a container left behind for a destroyed deployment, and only that one", async () => {
    // As if the destroy had happened while this engine was out of reach: a container still carries v1's label.
    const leftover = await dockerd.docker.createContainer({
      Image: "berth-test/node:1",
      Cmd: ["node", "-e", "setInterval(() => {}, 60000)"],
      Labels: { "berth.deployment": destroyedId, "berth.instance": "leftover" },
      HostConfig: { NetworkMode: "host" },
    });
    await leftover.start();
    const released = (await berthContainers(dockerd.docker)).filter(
      (c) => c.Labels["berth.deployment"] !== destroyedId,
    );
    expect(released).toHaveLength(2);
    await killProcess(server!, "SIGKILL");
    await start();
    await until("the leftover container to be removed", async () => {
      const list = await berthContainers(dockerd.docker);
      return !list.some((c) => c.Id === leftover.id) && list;
    });
    expect((await berthContainers(dockerd.docker)).map((c) => c.Id).sort()).toEqual(
      released.map((c) => c.Id).sort(),
    );
  });
});
