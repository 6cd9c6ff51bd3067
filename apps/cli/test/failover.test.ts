// Clients given several server addresses: two `berth server run` replicas on one PostgreSQL database (so a token
// or a row written through one is there for the other), the real CLI, router and entrypoint binaries talking to
// both. The first replica is SIGKILLed while every client is on it; each must carry on with the second. Then the
// same behind Debian's haproxy as the load balancer, the clients knowing one address only.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeploymentService } from "@berth/proto";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../server/src/store/open-store.js";
import { withToken } from "../../server/test/helpers/api-client.js";
import {
  entrypointToken,
  type SpawnedEntrypoint,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "../../server/test/helpers/runtime-fixture.js";
import { createTestDatabase, type TestDatabase } from "../../server/test/helpers/test-stores.js";
import { type HaproxyBalancer, startHaproxyBalancer } from "./helpers/haproxy-balancer.js";
import { type RouterProcess, startRouterProcess } from "./helpers/router-process.js";
import { berthBin, runBerth } from "./helpers/run-berth.js";
import { freePort, killProcess, type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { until as pollUntil } from "./helpers/until.js";

const until = <T>(what: string, fn: () => Promise<T | undefined | false>) => pollUntil(what, fn, 30_000, 100);

/** A scratch directory per part, removed afterwards. */
function scratch(dirs: string[], name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `berth-failover-${name}-`));
  dirs.push(dir);
  return dir;
}

/** Starts a replica: `berth server run` on the shared database, with no URL router of its own. */
async function startReplica(dir: string, database: TestDatabase, env: NodeJS.ProcessEnv) {
  return startServerProcess({
    dataDir: dir,
    apiPort: await freePort(),
    routerPort: await freePort(),
    env,
    extraArgs: ["--store", database.url, "--router", "none"],
  });
}

/** Whether the replica at `apiUrl` holds the instance's entrypoint session. */
async function holdsSession(apiUrl: string, token: string, deploymentId: string): Promise<boolean> {
  const api = createClient(
    DeploymentService,
    createGrpcTransport({ baseUrl: apiUrl, interceptors: [withToken(token)] }),
  );
  const { instances } = await api.listInstances({ deploymentId });
  return instances.length > 0 && instances.every((i) => i.connected);
}

/** The highest `tick N` in the text (the test app counts its lines). */
const lastTick = (text: string) => Math.max(0, ...[...text.matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));

/** Spawns the real `berth` binary, collecting what it prints. */
function spawnBerth(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [berthBin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout!.on("data", (d: Buffer) => {
    out.stdout += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    out.stderr += d.toString();
  });
  return { child, out };
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

describe("clients with two server addresses, the first replica SIGKILLed (real processes)", {
  timeout: 120_000,
}, () => {
  const dirs: string[] = [];
  const configDir = scratch(dirs, "config");
  const env = { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" };
  let database: TestDatabase;
  let first: ServerProcess;
  let second: ServerProcess;
  let router: RouterProcess | undefined;
  let entrypoint: SpawnedEntrypoint | undefined;
  let follower: ReturnType<typeof spawnBerth> | undefined;
  let agent: ReturnType<typeof spawnBerth> | undefined;
  let adminToken = "";
  let deploymentId = "";
  let ticksAtKill = 0;
  const berth = (args: string[]) => runBerth(args, { env, timeout: 60_000 });

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await startReplica(scratch(dirs, "first"), database, env);
    second = await startReplica(scratch(dirs, "second"), database, env);
    adminToken = first.ready.bootstrapToken!;
    const servers = `${first.ready.apiUrl},${second.ready.apiUrl}`;
    const login = await berth(["login", "--server", servers, "--token", adminToken]);
    expect(login.code, login.stderr).toBe(0);

    // An instance as the process platform would start it, seeded through the test's own connection.
    const store = await openStore({ url: database.url });
    try {
      const seeded = await seedDeployment(store.db, { project: "shop", app: "web" });
      deploymentId = seeded.deploymentId;
      entrypoint = spawnEntrypoint({
        apiUrl: servers,
        token: await entrypointToken(store.db, deploymentId),
        deploymentId,
        instanceId: seeded.instanceIds[0]!,
        command: "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.05; done",
      });
    } finally {
      await store.close();
    }
    const created = await berth(["token", "create", "--router", "--name", "edge", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    router = await startRouterProcess({
      serverUrl: servers,
      port: await freePort(),
      token: (JSON.parse(created.stdout) as { secret: string }).secret,
      stateDir: scratch(dirs, "router"),
      env,
    });
    agent = spawnBerth(["runner", "agent", "--name", "failover-agent", "--dir", scratch(dirs, "agent")], env);
    follower = spawnBerth(["logs", "-f", "-n", "0", "--project", "shop", "--app", "web", "-d", "v1"], env);

    // Everyone is on the first replica…
    await router.logged(`following the route table of ${first.ready.apiUrl}`);
    await until("the entrypoint's session on the first replica", () =>
      holdsSession(first.ready.apiUrl, adminToken, deploymentId),
    );
    await until("berth logs -f to print lines", async () => lastTick(follower!.out.stdout) > 0);
    await until("the runner agent to register", async () => agent!.out.stderr.includes("registered as"));
    // …when it dies without a word.
    await killProcess(first);
    ticksAtKill = lastTick(follower.out.stdout);
  }, 120_000);

  afterAll(async () => {
    await stopChild(follower?.child);
    await stopChild(agent?.child);
    if (entrypoint) await stopEntrypoint(entrypoint);
    if (router) await killProcess({ ...router, ready: { apiUrl: "", routerPort: 0 } }, "SIGTERM");
    for (const server of [first, second]) if (server) await killProcess(server, "SIGTERM");
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("answers reads, and sends a change the dead replica never received to the next one", async () => {
    const projects = await berth(["projects", "--json"]);
    expect(projects.code, projects.stderr).toBe(0);
    expect(projects.stdout).toContain('"shop"');
    expect(projects.stderr).toContain(`the server at ${first.ready.apiUrl} did not answer`);
    expect(projects.stderr).toContain(`trying ${second.ready.apiUrl}`);

    const created = await berth(["token", "create", "--name", "after-failover", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const list = await berth(["token", "list", "--json"]);
    const names = (JSON.parse(list.stdout) as { name: string }[]).map((t) => t.name);
    expect(names.filter((n) => n === "after-failover")).toHaveLength(1);
  });

  it("the router follows the route table of the second replica", async () => {
    await router!.logged(`following the route table of ${second.ready.apiUrl}`);
    expect(router!.stderr()).toContain(`the server at ${first.ready.apiUrl} did not answer`);
  });

  it("the entrypoint's session moves to the second replica", async () => {
    await until("the entrypoint's session on the second replica", () =>
      holdsSession(second.ready.apiUrl, adminToken, deploymentId),
    );
    expect(entrypoint!.stderr()).toContain(`trying ${second.ready.apiUrl}`);
  });

  it("the runner agent registers again, with the second replica", async () => {
    await until("the agent to register again", async () =>
      agent!.out.stderr.includes("runner registered again"),
    );
    const runners = await berth(["runner", "list", "--json"]);
    const agents = (JSON.parse(runners.stdout) as { name: string; online: boolean }[]).filter(
      (r) => r.name === "failover-agent",
    );
    expect(agents.some((r) => r.online)).toBe(true);
  });

  it("berth logs -f goes on printing the app's new lines from the second replica", async () => {
    await until(
      "lines written after the kill",
      async () => lastTick(follower!.out.stdout) > ticksAtKill + 20,
    );
    expect(follower!.child.exitCode).toBeNull();
    expect(follower!.out.stderr).toContain("reconnecting");
  });
});

describe("clients behind haproxy balancing two replicas, one SIGKILLed (real processes)", {
  timeout: 120_000,
}, () => {
  const dirs: string[] = [];
  const configDir = scratch(dirs, "lb-config");
  const env = { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" };
  let database: TestDatabase;
  let first: ServerProcess;
  let second: ServerProcess;
  let balancer: HaproxyBalancer;
  let router: RouterProcess | undefined;
  const berth = (args: string[]) => runBerth(args, { env, timeout: 60_000 });

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await startReplica(scratch(dirs, "lb-first"), database, env);
    second = await startReplica(scratch(dirs, "lb-second"), database, env);
    const port = (url: string) => Number(new URL(url).port);
    balancer = await startHaproxyBalancer(scratch(dirs, "haproxy"), [
      port(first.ready.apiUrl),
      port(second.ready.apiUrl),
    ]);
    const login = await berth(["login", "--server", balancer.url, "--token", first.ready.bootstrapToken!]);
    expect(login.code, login.stderr).toBe(0);
  }, 60_000);

  afterAll(async () => {
    if (router) await killProcess({ ...router, ready: { apiUrl: "", routerPort: 0 } }, "SIGTERM");
    await balancer?.close();
    for (const server of [first, second]) if (server) await killProcess(server, "SIGTERM");
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("the router's feed and the CLI carry on through the balancer once a replica dies", async () => {
    const created = await berth(["token", "create", "--router", "--name", "edge", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    router = await startRouterProcess({
      serverUrl: balancer.url,
      port: await freePort(),
      token: (JSON.parse(created.stdout) as { secret: string }).secret,
      stateDir: scratch(dirs, "lb-router"),
      env,
    });
    await router.logged(`following the route table of ${balancer.url}`);
    // haproxy sends every connection to the first replica while it lives: the router's feed is on it.
    await killProcess(first);
    await router.logged("lost the server");
    await router.logged(`following the route table of ${balancer.url}`, 2);
    const projects = await berth(["projects", "--json"]);
    expect(projects.code, projects.stderr).toBe(0);
    const after = await berth(["token", "create", "--name", "through-the-balancer", "--json"]);
    expect(after.code, after.stderr).toBe(0);
    expect(router.child.exitCode).toBeNull();
  });
});

describe("a bad server address list (real binary)", () => {
  const dirs: string[] = [];
  const env = { ...process.env, BERTH_CONFIG_DIR: scratch(dirs, "bad-config"), NO_COLOR: "1" };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const berth = (args: string[], more: NodeJS.ProcessEnv = {}) =>
    runBerth(args, { env: { ...env, ...more }, timeout: 30_000 });

  it("names the empty or malformed entry, for login, BERTH_SERVER and the router", async () => {
    const login = await berth([
      "login",
      "--server",
      "http://127.0.0.1:1,,http://127.0.0.1:2",
      "--token",
      "t",
    ]);
    expect(login.code).not.toBe(0);
    expect(login.stderr).toContain(
      '--server address 2 of 3 is empty (in "http://127.0.0.1:1,,http://127.0.0.1:2"); give URLs separated by commas',
    );
    const fromEnv = await berth(["projects"], {
      BERTH_SERVER: "http://127.0.0.1:1,ftp://b",
      BERTH_TOKEN: "t",
    });
    expect(fromEnv.code).not.toBe(0);
    expect(fromEnv.stderr).toContain(
      'BERTH_SERVER address 2 of 2 "ftp://b" must be an http:// or https:// URL',
    );
    const router = await berth(["router", "run", "--server", "http://127.0.0.1:1,http://127.0.0.1:99999"], {
      BERTH_ROUTER_TOKEN: "t",
    });
    expect(router.code).not.toBe(0);
    expect(router.stderr).toContain('--server address 2 of 2 "http://127.0.0.1:99999" is not a URL');
  });
});
