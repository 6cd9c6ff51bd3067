// Apps cannot read the control plane: a real server deploys a real app (through berth-entrypoint) on the
// process platform, and a deployer's exec'd command tries to read the server's databases, its environment
// and the entrypoint's token. The suite runs as root, so the app-user path is the one exercised.
import { readdirSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConfigScope,
  ConfigService,
  type StartExecStreamRequest,
  StartExecStreamRequestSchema,
} from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyToken } from "../src/auth/tokens.js";
import type { BuildOutput } from "../src/builders/builder.js";
import { packDirectory } from "../src/builders/pack-directory.js";
import { runCommand } from "../src/builders/run-command.js";
import { upsertApplication } from "../src/catalog/projects.js";
import { entrypointRuntime } from "../src/entrypoint/entrypoint-runtime.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { destroyDeployment } from "../src/lifecycle/destroy-deployment.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { instanceEnv } from "../src/lifecycle/instance-env.js";
import { instanceToken } from "../src/lifecycle/instance-token.js";
import type { DeploymentSpec } from "../src/platforms/platform.js";
import { isAlive } from "../src/platforms/process/instance-supervisor.js";
import { createProcessPlatform } from "../src/platforms/process/process-platform.js";
import { resolveAppUser } from "../src/sandbox/app-user.js";
import { clientFor } from "./helpers/api-client.js";
import { loginToken, pollUntil, runtimeClients } from "./helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

const cloudSecret = "AKIA-test-secret-do-not-leak";
const app = `require("node:http").createServer((q, s) => s.end("ok")).listen(process.env.PORT, "127.0.0.1");`;

let server: TestServer;
let work: string;
let spec: DeploymentSpec;
let deployer: string;

/** Runs a command in the deployment through the real exec path; resolves with its output and exit code. */
async function exec(args: string[], tty = false): Promise<{ out: string; code: number | undefined }> {
  const input = createPushQueue<StartExecStreamRequest>();
  input.push(
    create(StartExecStreamRequestSchema, {
      msg: {
        case: "start",
        value: { deploymentId: spec.deploymentId, args, tty, size: { cols: 200, rows: 24 } },
      },
    }),
  );
  const { exec: client } = runtimeClients(server.apiUrl, deployer);
  let out = "";
  let code: number | undefined;
  for await (const r of client.startExecStream(input)) {
    if (r.msg.case === "stdout" || r.msg.case === "stderr") out += Buffer.from(r.msg.value).toString();
    if (r.msg.case === "exit") code = r.msg.value.code;
  }
  input.end();
  return { out, code };
}

/** Tokens of the deployment that would still be accepted. */
async function validTokens(deploymentId: string) {
  const now = Date.now();
  const rows = await server.ctx.store.db
    .selectFrom("tokens")
    .selectAll()
    .where("deployment_id", "=", deploymentId)
    .where("revoked_at", "is", null)
    .execute();
  return rows.filter((r) => r.expires_at === null || r.expires_at > now);
}

const connected = (instanceId: string) => entrypointRuntime(server.ctx).sessions.get(instanceId);

beforeAll(async () => {
  process.env.AWS_SECRET_ACCESS_KEY = cloudSecret;
  server = await startTestServer();
  work = await mkdtemp(join(tmpdir(), "berth-isolation-"));
  await mkdir(join(work, "src"));
  await writeFile(join(work, "src", "server.js"), app);
  const artifact = await packDirectory(join(work, "src"), join(work, "artifacts"));
  const db = server.ctx.store.db;
  const appRow = await upsertApplication(db, { project: "shop", app: "web", labels: {}, configJson: "" });
  const dep = await insertDeployment(db, { appId: appRow.id, status: "healthy" });
  spec = {
    deploymentId: dep.id,
    project: "shop",
    app: "web",
    seq: dep.seq,
    command: "node server.js",
    count: 2,
    health: { path: "/", intervalMs: 200, timeoutMs: 1000 },
    artifactPath: artifact.path,
  };
  await engineOf(server.ctx).platform.deploy(spec, new AbortController().signal);
  for (const i of engineOf(server.ctx).platform.instances(spec.deploymentId))
    await pollUntil(() => connected(i.id)?.report?.appState === "running", 20_000);
  deployer = await loginToken(db, "deployer");
}, 60_000);

afterAll(async () => {
  delete process.env.AWS_SECRET_ACCESS_KEY;
  await server?.dispose();
  await rm(work, { recursive: true, force: true });
});

describe("an app and its exec'd commands", () => {
  it("run as the unprivileged app user, and cannot read or write the server's databases", async () => {
    const { dataDir } = server;
    const files = readdirSync(dataDir).filter((f) => f.includes(".db"));
    expect(files).toEqual(expect.arrayContaining(["berth.db", "berth.db-wal", "logs.db"]));
    const script = [
      "id -un; id -Gn",
      ...files.map((f) => `cat ${dataDir}/${f} >/dev/null 2>&1 && echo READ:${f}`),
      `{ echo x >> ${dataDir}/berth.db; } 2>/dev/null && echo WROTE`,
      `ls ${dataDir} >/dev/null 2>&1 && echo LISTED`,
      "echo done",
    ].join("; ");
    for (const tty of [false, true]) {
      const r = await exec(["sh", "-c", script], tty);
      expect(r.out.replace(/\r/g, "")).toBe("berth-app\nberth-app\ndone\n");
    }
  });

  it("cannot read the server's environment nor the entrypoint's, and the token is in no env", async () => {
    const r = await exec([
      "sh",
      "-c",
      `cat /proc/${process.pid}/environ >/dev/null 2>&1 && echo LEAK-SERVER; cat /proc/$PPID/environ >/dev/null 2>&1 && echo LEAK-ENTRYPOINT; grep -rqs berth_ . && echo LEAK-FILE; env`,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("LEAK-");
    expect(r.out).not.toContain(cloudSecret);
    expect(r.out).not.toMatch(/berth_|BERTH_ENTRYPOINT_TOKEN/);
    // Read as root: neither the entrypoint nor the app was started with the token (or the cloud secret).
    for (const i of engineOf(server.ctx).platform.instances(spec.deploymentId)) {
      const appPid = connected(i.id)!.report!.appPid;
      for (const pid of [i.pid, appPid]) {
        const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
        expect(environ).toContain(`BERTH_INSTANCE_ID=${i.id}`);
        expect(environ).not.toMatch(/berth_|BERTH_ENTRYPOINT_TOKEN=|AKIA/);
      }
    }
  });

  it("build commands get the allow-listed environment only", async () => {
    const lines: string[] = [];
    const output: BuildOutput = {
      line: (_stream, l) => void lines.push(l),
      step: () => {},
      stepDone: () => {},
    };
    await runCommand("env", work, { BUILD_VAR: "1" }, output, new AbortController().signal);
    expect(lines).toContain("BUILD_VAR=1");
    expect(lines.some((l) => l.startsWith("PATH="))).toBe(true);
    expect(lines.join("\n")).not.toContain(cloudSecret);
  });
});

describe("config a deployer sets", () => {
  it("never runs in the entrypoint: loader variables like NODE_OPTIONS reach the app (as the app user) only", async () => {
    // A probe any Node process loads through NODE_OPTIONS, recording the uid it runs as.
    const probeDir = await mkdtemp(join(tmpdir(), "berth-probe-"));
    await chmod(probeDir, 0o777);
    const record = join(probeDir, "uids");
    await writeFile(
      join(probeDir, "probe.cjs"),
      `require("node:fs").appendFileSync(${JSON.stringify(record)}, process.getuid() + "\\n");`,
    );
    await chmod(join(probeDir, "probe.cjs"), 0o644);
    await writeFile(record, "");
    await chmod(record, 0o666);
    try {
      const db = server.ctx.store.db;
      const appRow = await upsertApplication(db, {
        project: "shop",
        app: "probe",
        labels: {},
        configJson: "",
      });
      await clientFor(server, ConfigService, await loginToken(db, "admin")).setConfigVars({
        scope: ConfigScope.APP,
        project: "shop",
        app: "probe",
        set: [{ name: "NODE_OPTIONS", value: `--require ${join(probeDir, "probe.cjs")}` }],
      });
      const dep = await insertDeployment(db, { appId: appRow.id, status: "healthy" });
      const probeSpec: DeploymentSpec = {
        ...spec,
        deploymentId: dep.id,
        app: "probe",
        seq: dep.seq,
        count: 1,
      };
      await engineOf(server.ctx).platform.deploy(probeSpec, new AbortController().signal);
      const [instance] = engineOf(server.ctx).platform.instances(dep.id);
      await pollUntil(() => connected(instance!.id)?.report?.appState === "running", 20_000).catch((e) => {
        throw new Error(
          `${e}: ${readFileSync(join(server.ctx.options.appsDir, dep.id, "logs", `${instance!.id}.log`), "utf8").slice(-2000)}`,
        );
      });
      // The app (node server.js) loaded the probe, so it was active; no process ran it as root.
      const uids = await pollUntil(async () => {
        const text = await readFile(record, "utf8").catch(() => "");
        return text.trim() ? text.trim().split("\n") : undefined;
      }, 20_000);
      expect(uids.length).toBeGreaterThan(0);
      expect(uids).not.toContain("0");
    } finally {
      await rm(probeDir, { recursive: true, force: true });
    }
  });
});

describe("entrypoint tokens", () => {
  it("stay one per instance across crashes, and the replaced ones are refused", async () => {
    const platform = engineOf(server.ctx).platform;
    const before = await validTokens(spec.deploymentId);
    expect(before).toHaveLength(2);
    const victim = platform.instances(spec.deploymentId)[0]!;
    // Real crashes (the restart backoff doubles from 250 ms, so three keep the test short): each restart
    // starts a new entrypoint with a fresh token that replaces the last one.
    for (let crash = 0; crash < 3; crash++) {
      const session = connected(victim.id)!;
      process.kill(-platform.instances(spec.deploymentId)[0]!.pid, "SIGKILL");
      await pollUntil(() => {
        const s = connected(victim.id);
        return s && s.connectionId !== session.connectionId && s.report?.appState === "running";
      }, 30_000);
      expect(await validTokens(spec.deploymentId)).toHaveLength(2);
    }
    // Each start of an instance goes through instanceToken: 20 more starts, still one token per instance.
    const secrets: string[] = [];
    for (let n = 0; n < 20; n++) secrets.push(await instanceToken(server.ctx, spec, victim));
    const after = await validTokens(spec.deploymentId);
    expect(after).toHaveLength(2);
    expect(new Set(after.map((t) => t.name)).size).toBe(2);
    for (const old of secrets.slice(0, -1))
      expect(await verifyToken(server.ctx.store.db, old)).toBeUndefined();
    expect(await verifyToken(server.ctx.store.db, secrets.at(-1)!)).toBeDefined();
  }, 60_000);

  it("stay one per instance across 20 crashes of a real app", async () => {
    const ctx = server.ctx;
    const db = ctx.store.db;
    const appRow = await upsertApplication(db, {
      project: "shop",
      app: "crashy",
      labels: {},
      configJson: "",
    });
    const dep = await insertDeployment(db, { appId: appRow.id, status: "unhealthy" });
    const crashy: DeploymentSpec = { ...spec, deploymentId: dep.id, app: "crashy", seq: dep.seq, count: 1 };
    // A platform of its own, for a short restart backoff; the same entrypoint, env, token and user as the engine's.
    const platform = createProcessPlatform({
      dir: join(ctx.options.appsDir, "crash-loop"),
      db,
      envFor: (s, i) => instanceEnv(ctx, s, i),
      tokenFor: (s, i) => instanceToken(ctx, s, i),
      appUser: () => resolveAppUser(ctx.options.appUser),
      restartDelayMs: () => 20,
      graceMs: 1000,
    });
    try {
      await platform.deploy({ ...crashy, command: "exit 3" }, new AbortController().signal);
      await pollUntil(() => (platform.instances(dep.id)[0]?.restarts ?? 0) >= 20, 200_000);
      const rows = await db.selectFrom("tokens").select("id").where("deployment_id", "=", dep.id).execute();
      expect(rows).toHaveLength(1);
    } finally {
      await platform.close({ stopInstances: true });
    }
  }, 240_000);

  it("are refused, and none is minted, once the deployment is destroyed", async () => {
    const platform = engineOf(server.ctx).platform;
    const instance = platform.instances(spec.deploymentId)[0]!;
    const fresh = await instanceToken(server.ctx, spec, instance);
    await destroyDeployment(server.ctx, engineOf(server.ctx), { deploymentId: spec.deploymentId });
    expect(isAlive(instance.pid)).toBe(false);
    expect(await verifyToken(server.ctx.store.db, fresh)).toBeUndefined();
    expect(await validTokens(spec.deploymentId)).toHaveLength(0);
    await expect(instanceToken(server.ctx, spec, instance)).rejects.toThrow(/destroyed/);
    expect(await validTokens(spec.deploymentId)).toHaveLength(0);
  });
});
