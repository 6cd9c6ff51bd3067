// The data plane apart from the control plane: `berth server run --router none` and `berth router run` as two
// real processes, the demo app's instances as a third party. A bounded request loop runs against the app URL
// while the server is SIGKILLed and restarted, while a new version is released and rolled back, and the router
// is restarted while the server is down: not one request may fail. Both router engines: Berth's Node proxy and
// Debian's haproxy driven through its runtime API.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeploymentService, DeploymentStatus, HealthState } from "@berth/proto";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { startRequestLoop } from "./helpers/request-loop.js";
import { type RouterProcess, startRouterProcess } from "./helpers/router-process.js";
import { helloNodeExample, runBerth } from "./helpers/run-berth.js";
import { freePort, killProcess, type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { until as pollUntil } from "./helpers/until.js";

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 45_000) =>
  pollUntil(what, fn, ms, 100);

describe.each(["node", "haproxy"] as const)("data plane apart from the server (%s router)", (engine) => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-dataplane-data-"));
  const configDir = mkdtempSync(join(tmpdir(), "berth-dataplane-config-"));
  const stateDir = mkdtempSync(join(tmpdir(), "berth-dataplane-router-"));
  const repo = mkdtempSync(join(tmpdir(), "berth-dataplane-repo-"));
  const env = {
    ...process.env,
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "cache"),
    NO_COLOR: "1",
  };
  const app = { project: "examples", app: "hello-node" };
  const host = `${app.app}.${app.project}.localhost`;
  let ports: { apiPort: number; routerPort: number };
  let server: ServerProcess;
  let router: RouterProcess;
  let adminToken = "";
  let routerToken = "";
  const berth = (args: string[]) => runBerth(args, { cwd: repo, env, timeout: 120_000 });

  const startServer = async () => {
    server = await startServerProcess({ dataDir, env, ...ports, extraArgs: ["--router", "none"] });
  };
  const startRouter = async () => {
    router = await startRouterProcess({
      serverUrl: server.ready.apiUrl,
      port: ports.routerPort,
      token: routerToken,
      stateDir,
      env,
      engine,
    });
  };
  const deployments = () => {
    const auth: Interceptor = (next) => (req) => {
      req.header.set("authorization", `Bearer ${adminToken}`);
      return next(req);
    };
    return createClient(
      DeploymentService,
      createGrpcTransport({ baseUrl: server.ready.apiUrl, interceptors: [auth] }),
    );
  };
  /** Every instance of every healthy deployment is healthy and its entrypoint connected. */
  const allInstancesBack = () =>
    until("every instance to be healthy and connected", async () => {
      const api = deployments();
      const { deployments: list } = await api.listDeployments({ app });
      for (const d of list.filter((x) => x.status === DeploymentStatus.HEALTHY)) {
        const { instances } = await api.listInstances({ deploymentId: d.id });
        if (!instances.every((i) => i.health === HealthState.HEALTHY && i.connected)) return false;
      }
      return true;
    });
  const servedSeq = (body: string) => (JSON.parse(body) as { deployment: string }).deployment;

  beforeAll(async () => {
    ports = { apiPort: await freePort(), routerPort: await freePort() };
    cpSync(helloNodeExample, repo, { recursive: true });
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "v1");
    await startServer();
    adminToken = server.ready.bootstrapToken!;
    expect((await berth(["login", "--server", server.ready.apiUrl, "--token", adminToken])).code).toBe(0);
    const created = await berth(["token", "create", "--router", "--name", "edge", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    routerToken = (JSON.parse(created.stdout) as { secret: string }).secret;
    await startRouter();
    const up = await berth(["up", "-q"]);
    expect(up.code, up.stderr).toBe(0);
    await allInstancesBack();
    expect((await httpGet(router.port, host)).status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    if (router) await killProcess({ ...router, ready: { apiUrl: "", routerPort: 0 } }, "SIGTERM");
    if (server) await killProcess(server, "SIGTERM");
    // The server leaves apps running when it stops: destroy them as an operator would.
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, stateDir, repo])
      rmSync(dir, { recursive: true, force: true });
  });

  it("keeps serving while the server is SIGKILLed and restarted: 0 failed requests", async () => {
    const loop = startRequestLoop(router.port, host);
    await loop.okAfter(20);
    await killProcess(server);
    await router.logged("lost the server");
    await loop.okAfter(50); // served with no server at all
    await startServer();
    await router.logged("following the route table", 2);
    await allInstancesBack();
    await loop.okAfter(30);
    const result = await loop.stop();
    expect(result.failures, router.stderr()).toEqual([]);
    expect(servedSeq(result.lastBody)).toBe("1");
  }, 120_000);

  it("releases a new version and rolls it back under traffic: 0 failed requests", async () => {
    const loop = startRequestLoop(router.port, host);
    await loop.okAfter(20);
    writeFileSync(join(repo, "VERSION"), "2\n");
    commitAll(repo, "v2");
    const up = await berth(["up", "-q"]);
    expect(up.code, up.stderr).toBe(0);
    await until("v2 to be served", async () => servedSeq((await httpGet(router.port, host)).body) === "2");
    await loop.okAfter(30);
    const back = await berth(["rollback"]);
    expect(back.code, back.stderr).toBe(0);
    await until(
      "v1 to be served again",
      async () => servedSeq((await httpGet(router.port, host)).body) === "1",
    );
    await loop.okAfter(30);
    const result = await loop.stop();
    expect(result.failures, router.stderr()).toEqual([]);
    expect(servedSeq(result.lastBody)).toBe("1");
  }, 180_000);

  it("a router restarted while the server is down serves its saved table", async () => {
    await killProcess(server);
    await killProcess({ ...router, ready: { apiUrl: "", routerPort: 0 } });
    await startRouter();
    expect(router.stderr()).toContain("serving the saved route table");
    const res = await httpGet(router.port, host);
    expect(res.status, `${res.body}\n${router.stderr()}`).toBe(200);
    expect(servedSeq(res.body)).toBe("1");
    await startServer();
    await router.logged("following the route table");
  }, 60_000);
});
