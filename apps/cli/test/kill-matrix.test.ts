// The kill matrix: the server SIGKILLed during a build, a release and a config rollout; an entrypoint and an
// app SIGKILLed; the server SIGSTOPped for 20 s. After each, the catalog agrees with what clients were told,
// nothing is left "running"/"deploying", the released app serves, and logs written meanwhile can be read.
// (SIGKILL during a deploy: server-killed-during-deploy.test.ts.)
import { spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  ConfigScope,
  ConfigService,
  DeploymentService,
  DeploymentStatus,
  GitInfoSchema,
  HealthState,
  JobKind,
  JobService,
  JobState,
  LogService,
  ProjectService,
  ReleaseService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { berthBin, helloNodeExample, runBerth } from "./helpers/run-berth.js";
import { freePort, killProcess, type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { until as pollUntil } from "./helpers/until.js";

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, ms = 45_000) =>
  pollUntil(what, fn, ms, 100);

describe("kill matrix", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-killmx-data-"));
  const configDir = mkdtempSync(join(tmpdir(), "berth-killmx-config-"));
  const repo = mkdtempSync(join(tmpdir(), "berth-killmx-repo-"));
  const env = {
    ...process.env,
    BERTH_CONFIG_DIR: configDir,
    BERTH_CACHE_DIR: join(dataDir, "cache"),
    NO_COLOR: "1",
  };
  const app = { project: "examples", app: "hello-node" };
  let ports: { apiPort: number; routerPort: number };
  let server: ServerProcess;
  let token = "";
  let apis: ReturnType<typeof clients>;

  function clients(baseUrl: string) {
    const auth: Interceptor = (next) => (req) => {
      req.header.set("authorization", `Bearer ${token}`);
      return next(req);
    };
    const transport = createGrpcTransport({ baseUrl, interceptors: [auth] });
    return {
      deployments: createClient(DeploymentService, transport),
      releases: createClient(ReleaseService, transport),
      config: createClient(ConfigService, transport),
      jobs: createClient(JobService, transport),
      logs: createClient(LogService, transport),
      projects: createClient(ProjectService, transport),
    };
  }
  const berth = (args: string[]) => runBerth(args, { cwd: repo, env, timeout: 120_000 });

  async function restart(): Promise<void> {
    server = await startServerProcess({ dataDir, env, ...ports });
  }

  /** What must hold after any crash: nothing left in flight, and the released deployment serves. */
  async function assertSettled(): Promise<void> {
    const { jobs } = await apis.jobs.listJobs({});
    const inFlight = jobs.filter((j) => j.state === JobState.RUNNING || j.state === JobState.QUEUED);
    expect(inFlight.map((j) => `${j.id} ${JobState[j.state]}`)).toEqual([]);
    const { deployments } = await apis.deployments.listDeployments({ app });
    expect(deployments.filter((d) => d.status === DeploymentStatus.DEPLOYING).map((d) => d.seq)).toEqual([]);
    const { application } = await apis.projects.getApplication({ app });
    const released = deployments.find((d) => d.released);
    expect(released, "an app that was released keeps a released deployment").toBeDefined();
    await until(`the router to serve v${released!.seq} again`, async () => {
      const res = await httpGet(ports.routerPort, `${app.app}.${app.project}.localhost`).catch(
        () => undefined,
      );
      return res?.status === 200 && JSON.parse(res.body).deployment === String(released!.seq);
    });
    expect(application?.name).toBe(app.app);
  }

  /** Waits until every instance of every healthy deployment is running, healthy and connected. */
  async function allInstancesBack(): Promise<void> {
    await until("every instance to be healthy and connected", async () => {
      const { deployments } = await apis.deployments.listDeployments({ app });
      for (const d of deployments.filter((x) => x.status === DeploymentStatus.HEALTHY)) {
        const { instances } = await apis.deployments.listInstances({ deploymentId: d.id });
        if (!instances.every((i) => i.health === HealthState.HEALTHY && i.connected)) return false;
      }
      return true;
    });
  }

  beforeAll(async () => {
    ports = { apiPort: await freePort(), routerPort: await freePort() };
    cpSync(helloNodeExample, repo, { recursive: true });
    writeFileSync(
      join(repo, "berth.hcl"),
      readFileSync(join(repo, "berth.hcl"), "utf8").replace("count   = 2", "count   = 1"),
    );
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "v1");
    await restart();
    token = server.ready.bootstrapToken!;
    apis = clients(server.ready.apiUrl);
    expect((await berth(["login", "--server", server.ready.apiUrl, "--token", token])).code).toBe(0);
    for (const n of [1, 2]) {
      if (n === 2) {
        writeFileSync(join(repo, "VERSION"), "2\n");
        commitAll(repo, "v2");
      }
      const up = await berth(["up", "-q"]);
      expect(up.code, up.stderr).toBe(0);
    }
    await allInstancesBack();
  }, 180_000);

  afterAll(async () => {
    if (server) await killProcess(server, "SIGTERM");
    for (const dir of [dataDir, `${dataDir}-apps`, configDir, repo])
      rmSync(dir, { recursive: true, force: true });
  });

  it("SIGKILL during a build: the build job ends as interrupted, nothing stays running", async () => {
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8");
    writeFileSync(join(repo, "berth.hcl"), hcl.replace('command = ""', 'command = "sleep 120"'));
    commitAll(repo, "a build that takes long");
    const up = berth(["up", "-q"]);
    await until("the build job to run", async () => {
      const { jobs } = await apis.jobs.listJobs({});
      return jobs.some((j) => j.state === JobState.RUNNING);
    });
    await killProcess(server);
    expect((await up).code).not.toBe(0);
    await restart();
    await assertSettled();
    writeFileSync(join(repo, "berth.hcl"), hcl);
    commitAll(repo, "build command back");
  }, 180_000);

  it("SIGKILL during releases: whatever a client was told is what the catalog says", async () => {
    for (let round = 0; round < 4; round++) {
      const { deployments } = await apis.deployments.listDeployments({ app });
      const target = deployments.find((d) => !d.released && d.status === DeploymentStatus.HEALTHY)!;
      const before = await apis.releases.listReleases({ app });
      const call = apis.releases.release({ app, seq: target.seq, reason: `kill round ${round}` }).then(
        () => "ok" as const,
        () => "failed" as const,
      );
      // Kill at a different moment each round: before, during and after the release's transaction.
      await new Promise<void>((r) => setImmediate(r));
      for (let i = 0; i < round * 3; i++) await new Promise<void>((r) => setImmediate(r));
      await killProcess(server);
      const told = await call;
      await restart();
      const after = await apis.releases.listReleases({ app });
      const current = (await apis.deployments.listDeployments({ app })).deployments.find((d) => d.released);
      const added = after.releases.length - before.releases.length;
      if (told === "ok") {
        expect(added, `round ${round}: told ok, so the release is recorded`).toBe(1);
        expect(current?.seq).toBe(target.seq);
      } else {
        // Unknown outcome: either it happened completely or not at all.
        expect([0, 1]).toContain(added);
        if (added === 1) expect(current?.seq).toBe(target.seq);
        else expect(current?.seq).not.toBe(target.seq);
      }
      await assertSettled();
      await allInstancesBack();
    }
  }, 240_000);

  it("SIGKILL during a config rollout: every instance ends on the newest revision", async () => {
    const set = await apis.config.setConfigVars({
      scope: ConfigScope.APP,
      project: app.project,
      app: app.app,
      set: [{ name: "GREETING", value: "after the crash" }],
    });
    await killProcess(server);
    await restart();
    await assertSettled();
    await until("every running instance to run the newest config revision", async () => {
      const { deployments } = await apis.deployments.listDeployments({ app });
      for (const d of deployments.filter((x) => x.status === DeploymentStatus.HEALTHY)) {
        const { instances } = await apis.deployments.listInstances({ deploymentId: d.id });
        if (
          !instances.every(
            (i) => i.configRevision >= set.revision!.revision && i.health === HealthState.HEALTHY,
          )
        )
          return false;
      }
      return true;
    });
    const res = await httpGet(ports.routerPort, `${app.app}.${app.project}.localhost`);
    expect(JSON.parse(res.body).greeting).toBe("after the crash");
  }, 120_000);

  it("SIGKILL of an entrypoint, then of an app: the instance comes back and serves", async () => {
    for (const which of ["entrypoint", "app"] as const) {
      const released = (await apis.deployments.listDeployments({ app })).deployments.find((d) => d.released)!;
      const [instance] = (await apis.deployments.listInstances({ deploymentId: released.id })).instances;
      const entrypointPid = instance!.pid;
      const pid = which === "entrypoint" ? entrypointPid : childOf(entrypointPid);
      process.kill(pid, "SIGKILL");
      await until(`the instance to be back after its ${which} was killed`, async () => {
        const [now] = (await apis.deployments.listInstances({ deploymentId: released.id })).instances;
        if (!now || now.health !== HealthState.HEALTHY || !now.connected) return false;
        // The platform restarts a dead entrypoint; an entrypoint restarts its dead app itself.
        return which === "entrypoint"
          ? now.pid !== entrypointPid && now.restarts > instance!.restarts
          : now.pid === entrypointPid && appChild(entrypointPid) !== pid;
      });
      await assertSettled();
    }
  }, 120_000);

  it("SIGKILL of a runner agent mid-job: the job ends with a reason, nothing stays running", async () => {
    const agent = spawn(process.execPath, [berthBin, "runner", "agent", "--name", "doomed", "--dir", repo], {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        agent.once("exit", (code) => reject(new Error(`the runner agent exited (${code})`)));
        createInterface({ input: agent.stderr! }).on("line", (l) => l.includes("registered as") && resolve());
      });
      const { job } = await apis.jobs.queueJob({
        app,
        kind: JobKind.BUILD,
        git: create(GitInfoSchema, { sha: "b".repeat(40), branch: "main" }),
        params: { case: "build", value: { configJson: JSON.stringify({ build: { command: "sleep 120" } }) } },
      });
      await until("the agent to run the job", async () => {
        const { job: now } = await apis.jobs.getJob({ id: job!.id });
        return now?.state === JobState.RUNNING;
      });
      agent.kill("SIGKILL");
      const ended = await until("the job to end after its runner died", async () => {
        const { job: now } = await apis.jobs.getJob({ id: job!.id });
        return now && now.state !== JobState.RUNNING && now.state !== JobState.QUEUED && now;
      });
      expect(ended.state).toBe(JobState.ERROR);
      expect(ended.error).not.toBe("");
      await assertSettled();
    } finally {
      if (agent.exitCode === null && agent.signalCode === null) {
        agent.kill("SIGKILL");
        await once(agent, "exit");
      }
    }
  }, 120_000);

  it("SIGSTOP of the server for 20 s: lines the app logs meanwhile are read afterwards", async () => {
    const released = (await apis.deployments.listDeployments({ app })).deployments.find((d) => d.released)!;
    const [instance] = (await apis.deployments.listInstances({ deploymentId: released.id })).instances;
    server.child.kill("SIGSTOP");
    const marker = `/while-stopped-${Date.now()}`;
    try {
      // The app logs every request; hit the instance directly (the router lives in the stopped server).
      const stopped = Date.now();
      let n = 0;
      while (Date.now() - stopped < 20_000) {
        await httpGetPath(instance!.port, `${marker}-${n++}`);
        await new Promise((r) => setTimeout(r, 500)); // a request rate, not a synchronisation
      }
    } finally {
      server.child.kill("SIGCONT");
    }
    await until("the lines logged while the server was stopped to be readable", async () => {
      const seen = new Set<string>();
      const ac = new AbortController();
      const deadline = setTimeout(() => ac.abort(), 5_000);
      try {
        for await (const res of apis.logs.getLogStream(
          { deploymentId: released.id, tailLines: 5000, follow: false },
          { signal: ac.signal },
        )) {
          for (const line of res.lines) {
            const m = /while-stopped-\d+-(\d+)/.exec(Buffer.from(line.data).toString());
            if (m) seen.add(m[1]!);
          }
        }
      } catch {
        return false;
      } finally {
        clearTimeout(deadline);
      }
      return seen.size >= 30;
    });
    await assertSettled();
  }, 120_000);
});

/** The first child process of `pid` (the app under its entrypoint), or 0. */
function appChild(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/)[0]) || 0;
  } catch {
    return 0;
  }
}

function childOf(pid: number): number {
  const child = appChild(pid);
  if (!child) throw new Error(`process ${pid} has no child`);
  return child;
}

function httpGetPath(port: number, path: string): Promise<number> {
  return fetch(`http://127.0.0.1:${port}${path}`).then(
    async (r) => {
      await r.text();
      return r.status;
    },
    () => 0,
  );
}
