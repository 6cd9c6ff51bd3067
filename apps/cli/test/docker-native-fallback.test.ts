// The platform-native fallback against a real Docker engine: containers whose entrypoints cannot reach the server
// (berth.hcl `server_addr` names a port nothing listens on) still serve through the router, and their logs and a
// terminal come through the normal LogService and ExecService RPCs from the Docker logs and exec APIs. This test
// starts its own dockerd (private socket, temp dirs, host networking only) as docker-platform.test.ts does.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AuditService,
  DeploymentService,
  ExecService,
  InstanceState,
  LogService,
  OutputStream,
  type StartExecStreamRequest,
  StartExecStreamRequestSchema,
} from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { helloNodeExample, runBerth } from "./helpers/run-berth.js";
import { freePort, killProcess, type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { importNodeBaseImage, startTestDockerd, type TestDockerd } from "./helpers/test-dockerd.js";
import { until as pollUntil } from "./helpers/until.js";

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 60_000) =>
  pollUntil(what, fn, ms, 100);

/** GET `path` through the router with the app's Host header. */
function viaRouter(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port, path, headers: { host: "hello-node.examples.localhost" }, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end();
  });
}

describe("platform-native logs and exec (a dockerd of the test's own)", { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-native-data-"));
  const configDir = mkdtempSync(join(tmpdir(), "berth-native-config-"));
  const repo = mkdtempSync(join(tmpdir(), "berth-native-repo-"));
  const env = {
    ...process.env,
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "cache"),
    // An entrypoint that has not connected half a second after its instance started is not coming.
    BERTH_EXEC_CONNECT_TIMEOUT_MS: "500",
    NO_COLOR: "1",
  };
  let dockerd: TestDockerd;
  let server: ServerProcess;
  let routerPort = 0;
  let token = "";
  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  const transport = () => createGrpcTransport({ baseUrl: server.ready.apiUrl, interceptors: [auth] });
  let deploymentId = "";

  beforeAll(async () => {
    dockerd = await startTestDockerd();
    const image = await importNodeBaseImage(dockerd.docker, "berth-test/node", "1");
    const ports = { apiPort: await freePort(), routerPort: await freePort() };
    routerPort = ports.routerPort;
    cpSync(helloNodeExample, repo, { recursive: true });
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8").replace(
      'use "process" {',
      `use "docker" {\n      image  = "${image}"\n      socket = "${dockerd.socket}"\n      server_addr = "http://127.0.0.1:1"`,
    );
    expect(hcl).toContain("server_addr");
    writeFileSync(join(repo, "berth.hcl"), hcl);
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "v1");
    server = await startServerProcess({ dataDir, env, ...ports });
    token = server.ready.bootstrapToken!;
    const berth = (args: string[]) => runBerth(args, { cwd: repo, env, timeout: 180_000 });
    const login = await berth(["login", "--server", server.ready.apiUrl, "--token", token]);
    expect(login.code, login.stderr).toBe(0);
    const up = await berth(["up", "-q"]);
    expect(up.code, up.stderr).toBe(0);
    const containers = await dockerd.docker.listContainers({
      filters: JSON.stringify({ label: ["berth.deployment"] }),
    });
    expect(containers).toHaveLength(2);
    deploymentId = containers[0]!.Labels["berth.deployment"]!;
  }, 180_000);

  afterAll(async () => {
    if (server) await killProcess(server, "SIGKILL");
    await dockerd?.stop();
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      rmSync(dir, { recursive: true, force: true });
  });

  it("the instances run and serve, with no entrypoint connected, and name their containers", async () => {
    const api = createClient(DeploymentService, transport());
    const { instances } = await api.listInstances({ deploymentId });
    expect(instances).toHaveLength(2);
    const containers = await dockerd.docker.listContainers({
      filters: JSON.stringify({ label: [`berth.deployment=${deploymentId}`] }),
    });
    for (const i of instances) {
      expect(i.state).toBe(InstanceState.RUNNING);
      expect(i.connected).toBe(false);
      const c = containers.find((x) => x.Labels["berth.instance"] === i.id);
      expect(i.nativeId).toBe(c?.Id);
    }
    const { deployment } = await api.getDeployment({ id: deploymentId });
    expect(deployment?.platform).toBe("docker");
    expect(await viaRouter(routerPort, "/")).toBe(200);
    // berth status says where they run: the platform, and each instance's container as `docker ps` names it.
    const status = await runBerth(["status"], { cwd: repo, env, timeout: 60_000 });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^\s+v1\*\s+healthy\s+docker\s/m);
    for (const c of containers) expect(status.stdout).toContain(` ${c.Id.slice(0, 12)}`);
  });

  it("an instance's log comes from the Docker logs API through GetLogStream, stdout and stderr apart", async () => {
    const api = createClient(DeploymentService, transport());
    const instanceId = (await api.listInstances({ deploymentId })).instances[0]!.id;
    const logs = createClient(LogService, transport());
    const lines = await until("the app's start line in the instance's native log", async () => {
      const got = [];
      for await (const r of logs.getLogStream({ instanceId, tailLines: 200 })) got.push(...r.lines);
      return got.some((l) => Buffer.from(l.data).toString().includes("listening on")) && got;
    });
    const text = lines.map((l) => `${l.stream === OutputStream.STDERR ? "!" : ""}${Buffer.from(l.data)}`);
    expect(text.some((t) => /^hello-node .* listening on \d+$/.test(t))).toBe(true);
    // The entrypoint's own complaint about the unreachable server is the container's stderr.
    expect(text.some((t) => t.startsWith("!berth-entrypoint:"))).toBe(true);
    for (const l of lines) {
      expect(l.instanceId).toBe(instanceId);
      expect(l.timestamp).toBeDefined();
    }
    // Distinct seqs, so a view that keys lines by instance and seq keeps them all.
    expect(new Set(lines.map((l) => l.seq)).size).toBe(lines.length);
  });

  it("a follow of the whole deployment gets a request's line as the app logs it", async () => {
    const logs = createClient(LogService, transport());
    const ac = new AbortController();
    const path = `/native-follow-${Date.now()}`;
    let backfillDone = false;
    const seen = (async () => {
      for await (const r of logs.getLogStream(
        { deploymentId, tailLines: 5, follow: true },
        { signal: ac.signal },
      )) {
        if (r.backfillDone && !backfillDone) {
          backfillDone = true;
          expect(await viaRouter(routerPort, path)).toBe(200);
        }
        const line = r.lines.find((l) => Buffer.from(l.data).toString().includes(`GET ${path}`));
        if (line) return line;
      }
      return undefined;
    })();
    const line = await seen.finally(() => ac.abort());
    expect(backfillDone).toBe(true);
    expect(line?.stream).toBe(OutputStream.STDOUT);
  });

  it("a terminal through StartExecStream runs inside a container by Docker exec, resizes, and passes the exit code", async () => {
    type Msg = MessageInitShape<typeof StartExecStreamRequestSchema>["msg"];
    const input = createPushQueue<StartExecStreamRequest>();
    const send = (msg: Msg) => input.push(create(StartExecStreamRequestSchema, { msg }));
    send({ case: "start", value: { deploymentId, args: ["sh"], tty: true, size: { cols: 80, rows: 24 } } });
    const exec = createClient(ExecService, transport());
    let screen = "";
    let startedOn = "";
    let wake: (() => void) | undefined;
    const done = (async () => {
      let code: number | undefined;
      for await (const r of exec.startExecStream(input)) {
        if (r.msg.case === "started") startedOn = r.msg.value.instanceId;
        if (r.msg.case === "stdout") screen += Buffer.from(r.msg.value).toString();
        if (r.msg.case === "exit") code = r.msg.value.code;
        wake?.();
      }
      input.end();
      return code;
    })();
    const shows = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${re} within 30 s: ${JSON.stringify(screen)}`)),
          30_000,
        );
        wake = () => {
          if (!re.test(screen)) return;
          clearTimeout(timer);
          resolve();
        };
        wake();
        done.then(() => reject(new Error(`the session ended before ${re}: ${screen}`)), reject);
      });
    const stdin = (text: string) => send({ case: "stdin", value: new TextEncoder().encode(text) });
    // Only the container has the entrypoint bundle at /berth and the app at /app; its pid 1 has its own cgroup
    // view. $((6*7)) keeps the echo of the typed line from matching.
    stdin(
      "test -f /berth/berth-entrypoint.js && test -d /app && read cg < /proc/1/cgroup && echo IN-CONTAINER-$((6*7)) cg=$cg\r",
    );
    await shows(/IN-CONTAINER-42 cg=\S+/);
    send({ case: "resize", value: { cols: 123, rows: 45 } });
    stdin("node -e \"console.log('SIZE ' + (process.stdout.columns * 1000 + process.stdout.rows))\"\r");
    await shows(/SIZE 123045/);
    stdin("exit 7\r");
    expect(await done).toBe(7);
    const containers = await dockerd.docker.listContainers({
      filters: JSON.stringify({ label: [`berth.instance=${startedOn}`] }),
    });
    expect(containers).toHaveLength(1);
    // Authorised and audited as any exec, saying it ran through the platform.
    const audit = createClient(AuditService, transport());
    const events = await until("the exec.run audit event", async () => {
      const { events } = await audit.listAuditEvents({ action: "exec.run" });
      return events.length > 0 && events;
    });
    expect(events[0]?.target).toBe(startedOn);
    expect(JSON.parse(events[0]?.detailsJson ?? "{}")).toMatchObject({ via: "platform", exitCode: 7 });
  });

  it("a command without a TTY gets stdout and stderr apart, and its exit code", async () => {
    const input = createPushQueue<StartExecStreamRequest>();
    input.push(
      create(StartExecStreamRequestSchema, {
        msg: { case: "start", value: { deploymentId, args: ["sh", "-c", "echo out; echo err >&2; exit 3"] } },
      }),
    );
    input.end();
    const exec = createClient(ExecService, transport());
    let out = "";
    let err = "";
    let code: number | undefined;
    for await (const r of exec.startExecStream(input)) {
      if (r.msg.case === "stdout") out += Buffer.from(r.msg.value).toString();
      if (r.msg.case === "stderr") err += Buffer.from(r.msg.value).toString();
      if (r.msg.case === "exit") code = r.msg.value.code;
    }
    expect({ out, err, code }).toEqual({ out: "out\n", err: "err\n", code: 3 });
  });

  it("a terminal whose client goes away ends its shell inside the container (Docker exec cannot kill: a hang-up)", async () => {
    const input = createPushQueue<StartExecStreamRequest>();
    input.push(
      create(StartExecStreamRequestSchema, {
        msg: {
          case: "start",
          value: { deploymentId, args: ["sh"], tty: true, size: { cols: 80, rows: 24 } },
        },
      }),
    );
    const exec = createClient(ExecService, transport());
    const ac = new AbortController();
    let instanceId = "";
    const call = (async () => {
      for await (const r of exec.startExecStream(input, { signal: ac.signal }))
        if (r.msg.case === "started") {
          instanceId = r.msg.value.instanceId;
          ac.abort();
        }
    })().catch(() => undefined);
    await call;
    expect(instanceId).not.toBe("");
    const [container] = await dockerd.docker.listContainers({
      filters: JSON.stringify({ label: [`berth.instance=${instanceId}`] }),
    });
    const running = async () => {
      const { ExecIDs } = await dockerd.docker.getContainer(container!.Id).inspect();
      const states = await Promise.all((ExecIDs ?? []).map((id) => dockerd.docker.getExec(id).inspect()));
      return states.filter((e) => e.Running && e.ProcessConfig.tty);
    };
    await until("the abandoned terminal's shell to end", async () => (await running()).length === 0);
  });
});
