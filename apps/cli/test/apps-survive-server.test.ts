// Apps outlive the server: `berth server run` killed (SIGKILL) or stopped (SIGTERM) leaves its app instances
// serving; the next start on the same data dir re-adopts them (same pid), their entrypoints reconnect, and the
// lines the app wrote meanwhile arrive from the entrypoint's buffer. Only --stop-apps-on-exit takes them along.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DeploymentService,
  HealthState,
  type Instance,
  InstanceState,
  type LogLine,
  LogService,
} from "@berth/proto";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { helloNodeExample, runBerth } from "./helpers/run-berth.js";
import { freePort, killProcess, type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { until as pollUntil } from "./helpers/until.js";

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 45_000) =>
  pollUntil(what, fn, ms, 100);

/** GET `path` on 127.0.0.1:`port`: status and body, or status 0 and the error's code. */
function get(port: number, path = "/"): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ status: 0, body: e.code ?? e.message }));
    req.end();
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The entrypoint's child: the app process. */
function appChild(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/)[0]) || 0;
  } catch {
    return 0;
  }
}

describe("apps outlive the server", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-survive-data-"));
  const configDir = mkdtempSync(join(tmpdir(), "berth-survive-config-"));
  const repo = mkdtempSync(join(tmpdir(), "berth-survive-repo-"));
  const env = {
    ...process.env,
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "cache"),
    NO_COLOR: "1",
  };
  const app = { project: "examples", app: "hello-node" };
  let ports: { apiPort: number; routerPort: number };
  let server: ServerProcess | undefined;
  let token = "";
  const pids = new Set<number>();

  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  const api = () => {
    const transport = createGrpcTransport({ baseUrl: server!.ready.apiUrl, interceptors: [auth] });
    return {
      deployments: createClient(DeploymentService, transport),
      logs: createClient(LogService, transport),
    };
  };
  const start = async (stopAppsOnExit: boolean) => {
    server = await startServerProcess({ dataDir, env, ...ports, stopAppsOnExit });
  };
  /** The released deployment's only instance, as the server reports it. */
  const instance = async (): Promise<{ deploymentId: string; instance: Instance }> => {
    const { deployments } = await api().deployments.listDeployments({ app });
    const released = deployments.find((d) => d.released)!;
    const { instances } = await api().deployments.listInstances({ deploymentId: released.id });
    return { deploymentId: released.id, instance: instances[0]! };
  };
  /** Waits for the instance to be running, healthy and connected again after a server start. */
  const backAndConnected = () =>
    until("the instance to be re-adopted and connected", async () => {
      const { instance: i } = await instance().catch(() => ({ instance: undefined }));
      return i?.state === InstanceState.RUNNING && i.health === HealthState.HEALTHY && i.connected && i;
    });

  beforeAll(async () => {
    ports = { apiPort: await freePort(), routerPort: await freePort() };
    cpSync(helloNodeExample, repo, { recursive: true });
    writeFileSync(
      join(repo, "berth.hcl"),
      readFileSync(join(repo, "berth.hcl"), "utf8").replace("count   = 2", "count   = 1"),
    );
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "v1");
    await start(false);
    token = server!.ready.bootstrapToken!;
    const berth = (args: string[]) => runBerth(args, { cwd: repo, env, timeout: 120_000 });
    expect((await berth(["login", "--server", server!.ready.apiUrl, "--token", token])).code).toBe(0);
    const up = await berth(["up", "-q"]);
    expect(up.code, up.stderr).toBe(0);
    const first = await backAndConnected();
    pids.add(first.pid);
  }, 180_000);

  afterAll(async () => {
    if (server) await killProcess(server, "SIGKILL");
    for (const pid of pids) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already stopped
      }
    }
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      rmSync(dir, { recursive: true, force: true });
  });

  it("SIGKILL: the app keeps serving; the next server re-adopts it and gets the lines written meanwhile", async () => {
    const { deploymentId, instance: before } = await instance();
    const appPid = appChild(before.pid);
    expect(appPid).toBeGreaterThan(0);

    await killProcess(server!, "SIGKILL");
    expect(isAlive(before.pid)).toBe(true);
    expect(isAlive(appPid)).toBe(true);
    // The app answers on its port with nobody supervising it, and logs the request (the entrypoint buffers it).
    const during = await get(before.port, "/while-the-server-was-down");
    expect(during.status).toBe(200);
    expect(JSON.parse(during.body).app).toBe("hello-node");

    await start(false);
    const after = await backAndConnected();
    expect(after.id).toBe(before.id);
    expect(after.pid).toBe(before.pid);
    expect(after.port).toBe(before.port);
    expect(after.restarts).toBe(before.restarts);
    expect(appChild(after.pid)).toBe(appPid);

    const lines = await until("the line written during the outage to arrive", async () => {
      const got: LogLine[] = [];
      for await (const r of api().logs.getLogStream({ deploymentId, tailLines: 1000 })) got.push(...r.lines);
      const texts = got.map((l) => Buffer.from(l.data).toString());
      return texts.some((t) => t.includes("GET /while-the-server-was-down")) && texts;
    });
    expect(lines.filter((t) => t.includes("GET /while-the-server-was-down"))).toHaveLength(1);
    // And the URL serves through the restarted server's router.
    const routed = await until("the router to serve the app", async () => {
      const res = await new Promise<{ status: number; body: string }>((resolve) => {
        const req = request(
          {
            host: "127.0.0.1",
            port: ports.routerPort,
            path: "/",
            headers: { host: `${app.app}.${app.project}.localhost` },
            agent: false,
          },
          (r) => {
            let body = "";
            r.on("data", (c) => {
              body += c;
            });
            r.on("end", () => resolve({ status: r.statusCode ?? 0, body }));
          },
        );
        req.on("error", () => resolve({ status: 0, body: "" }));
        req.end();
      });
      return res.status === 200 && res;
    });
    expect(JSON.parse(routed.body).instance).toBe(before.id);
  }, 120_000);

  it("SIGTERM leaves the apps running; with --stop-apps-on-exit it stops them", async () => {
    const { instance: before } = await instance();
    await killProcess(server!, "SIGTERM");
    expect(server!.child.exitCode).toBe(0);
    expect(isAlive(before.pid)).toBe(true);
    expect((await get(before.port)).status).toBe(200);

    await start(true);
    const adopted = await backAndConnected();
    expect(adopted.pid).toBe(before.pid);
    await killProcess(server!, "SIGTERM");
    expect(server!.child.exitCode).toBe(0);
    await until("the instance to be stopped", async () => !isAlive(before.pid));
    expect((await get(before.port)).body).toBe("ECONNREFUSED");
  }, 120_000);
});
