// The nomad platform end to end: `berth up` with `deploy { use "nomad" }` through a real `berth server run`,
// against a DOUBLE of the Nomad HTTP API (no Nomad agent runs on the test machines; see
// apps/server/test/helpers/nomad-double). The double's allocations are real processes running the real entrypoint
// and app, so the entrypoint connects to the server with the token Nomad rendered from the job's Variable, and the
// router reaches the allocations at the addresses Nomad reports.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeploymentService, HealthState, InstanceState } from "@berth/proto";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NomadDouble, startNomadDouble } from "../../server/test/helpers/nomad-double/nomad-double.js";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { helloNodeExample, runBerth } from "./helpers/run-berth.js";
import { freePort, killProcess, type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { until as pollUntil } from "./helpers/until.js";

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 60_000) =>
  pollUntil(what, fn, ms, 100);
const viaRouter = (port: number, host: string) => httpGet(port, host).catch(() => ({ status: 0, body: "" }));
const aclToken = "nomad-acl-token-for-tests";

describe("nomad platform end to end (against a Nomad API double)", { timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-nomad-data-"));
  const configDir = mkdtempSync(join(tmpdir(), "berth-nomad-config-"));
  const repo = mkdtempSync(join(tmpdir(), "berth-nomad-repo-"));
  const env = {
    ...process.env,
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "cache"),
    NO_COLOR: "1",
    NOMAD_TOKEN: aclToken,
  };
  const appHost = "hello-node.examples.localhost";
  let nomad: NomadDouble;
  let server: ServerProcess | undefined;
  let ports: { apiPort: number; routerPort: number };
  let token = "";
  const berth = (args: string[]) => runBerth(args, { cwd: repo, env, timeout: 120_000 });
  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  /** The released deployment's instances, once both run healthy with their entrypoints connected. */
  const allConnected = () =>
    until("both allocations healthy with their entrypoints connected", async () => {
      const api = createClient(
        DeploymentService,
        createGrpcTransport({ baseUrl: server!.ready.apiUrl, interceptors: [auth] }),
      );
      const app = { project: "examples", app: "hello-node" };
      const released = (await api.listDeployments({ app })).deployments.find((d) => d.released);
      if (!released) return false;
      const list = (await api.listInstances({ deploymentId: released.id })).instances;
      return (
        list.length === 2 &&
        list.every(
          (i) => i.state === InstanceState.RUNNING && i.health === HealthState.HEALTHY && i.connected,
        ) &&
        list
      );
    });
  /** The deployment seq ("deployment" field of hello-node's answer) the router serves. */
  const servedSeq = async () => {
    const res = await viaRouter(ports.routerPort, appHost);
    return res.status === 200 ? (JSON.parse(res.body) as { deployment: string }).deployment : "";
  };

  beforeAll(async () => {
    nomad = await startNomadDouble({ token: aclToken });
    ports = { apiPort: await freePort(), routerPort: await freePort() };
    cpSync(helloNodeExample, repo, { recursive: true });
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8").replace(
      'use "process" {',
      `use "nomad" {\n      address = "${nomad.address}"\n      driver  = "raw_exec"\n      memory  = "128m"`,
    );
    expect(hcl).toContain('use "nomad"');
    writeFileSync(join(repo, "berth.hcl"), hcl);
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "v1");
    server = await startServerProcess({ dataDir, env, ...ports, stopAppsOnExit: false });
    token = server.ready.bootstrapToken!;
    const login = await berth(["login", "--server", server.ready.apiUrl, "--token", token]);
    expect(login.code, login.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    if (server) await killProcess(server, "SIGKILL");
    await nomad?.close();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      rmSync(dir, { recursive: true, force: true });
  });

  it("up registers one service job whose allocations serve at the app URL, with their entrypoints connected", async () => {
    const up = await berth(["up", "-q"]);
    expect(up.code, up.stderr).toBe(0);
    expect([...nomad.jobs.keys()]).toEqual(["examples-hello-node-v1"]);
    // The entrypoint tokens (berth_<base64url>) are in the job's Variable, not in its spec.
    const tokens = Object.values(nomad.variables.get("nomad/jobs/examples-hello-node-v1") ?? {});
    expect(tokens).toHaveLength(2);
    for (const t of tokens) expect(t).toMatch(/^berth_[\w-]{40,}$/);
    const spec = JSON.stringify(nomad.jobs.get("examples-hello-node-v1")!.job);
    for (const t of tokens) expect(spec).not.toContain(t);
    const instances = await allConnected();
    const seen = await until("both allocations to answer through the router", async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const res = await viaRouter(ports.routerPort, appHost);
        if (res.status !== 200) return false;
        ids.add((JSON.parse(res.body) as { instance: string }).instance);
      }
      return ids.size === 2 && ids;
    });
    expect(seen).toEqual(new Set(instances.map((i) => i.id)));
  });

  it("berth exec runs inside an allocation (its Nomad environment) and passes the exit code", async () => {
    const r = await berth(["exec", "--", "sh", "-c", 'echo "alloc=$NOMAD_ALLOC_ID"; exit 3']);
    expect(r.code, r.stderr).toBe(3);
    const allocIds = nomad.jobs.get("examples-hello-node-v1")!.allocs.map((a) => a.ID);
    expect(allocIds.some((id) => r.stdout.includes(`alloc=${id}`))).toBe(true);
  });

  it("a server killed with SIGKILL leaves the job serving; the next one adopts it without registering again", async () => {
    const before = nomad.jobs.get("examples-hello-node-v1")!.allocs.map((a) => a.ID);
    const registered = nomad.requests.filter((r) => r === "PUT /v1/jobs").length;
    await killProcess(server!, "SIGKILL");
    server = await startServerProcess({ dataDir, env, ...ports, stopAppsOnExit: false });
    await until("the restarted server's router to serve the app", async () => (await servedSeq()) === "1");
    const instances = await allConnected();
    expect(new Set(instances.map((i) => i.id))).toEqual(
      new Set(["0", "1"].map((idx) => `${instances[0]!.deploymentId}-${idx}`)),
    );
    expect(nomad.requests.filter((r) => r === "PUT /v1/jobs")).toHaveLength(registered);
    expect(nomad.jobs.get("examples-hello-node-v1")!.allocs.map((a) => a.ID)).toEqual(before);
  });

  it("a second up releases v2, rollback goes back to v1, destroy v2 purges its job", async () => {
    writeFileSync(join(repo, "note.txt"), "v2\n");
    commitAll(repo, "v2");
    const up = await berth(["up", "-q"]);
    expect(up.code, up.stderr).toBe(0);
    expect([...nomad.jobs.keys()].sort()).toEqual(["examples-hello-node-v1", "examples-hello-node-v2"]);
    await until("the router to serve v2", async () => (await servedSeq()) === "2");

    const back = await berth(["rollback"]);
    expect(back.code, back.stderr).toBe(0);
    await until("the router to serve v1 again", async () => (await servedSeq()) === "1");

    const destroyed = await berth(["destroy", "v2"]);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect([...nomad.jobs.keys()]).toEqual(["examples-hello-node-v1"]);
    expect([...nomad.variables.keys()]).toEqual(["nomad/jobs/examples-hello-node-v1"]);
    expect(await servedSeq()).toBe("1");
  });
});
