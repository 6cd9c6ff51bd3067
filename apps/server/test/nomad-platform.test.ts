// The nomad platform against a DOUBLE of the Nomad HTTP API (test/helpers/nomad-double): no Nomad agent runs on
// the test machines. The double serves only the endpoints the platform calls and rejects what a real agent would
// (unknown or mistyped job fields, invalid jobs, wrong methods, unknown jobs, a wrong ACL token); its allocations
// are real processes (raw_exec semantics) running the real entrypoint and app, so HTTP, logs and exec are real.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { packDirectory } from "../src/builders/pack-directory.js";
import { upsertApplication } from "../src/catalog/projects.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { exitsOf, maxExitsBeforeHealthy } from "../src/lifecycle/crash-loop.js";
import { createNomadClient } from "../src/platforms/nomad/nomad-client.js";
import { nomadExec } from "../src/platforms/nomad/nomad-exec.js";
import { createNomadPlatform } from "../src/platforms/nomad/nomad-platform.js";
import type { DeploymentSpec, InstanceView, NativeExec, Platform } from "../src/platforms/platform.js";
import { freePort } from "../src/platforms/process/free-port.js";
import { openStore, type Store } from "../src/store/open-store.js";
import { type NomadDouble, startNomadDouble } from "./helpers/nomad-double/nomad-double.js";
import { pollUntil } from "./helpers/runtime-fixture.js";

const app = `
const id = process.env.BERTH_INSTANCE_ID;
require("node:http").createServer((q, s) => {
  console.log("served " + q.url);
  s.end("v=" + process.env.V + " id=" + id + " token=" + (process.env.BERTH_ENTRYPOINT_TOKEN ?? "none"));
}).listen(process.env.PORT, "127.0.0.1", () => {
  console.log("listening on " + process.env.PORT);
  console.error("warming up " + id);
});`;

const aclToken = "acl-secret-0123";
let dir: string;
let store: Store;
let nomad: NomadDouble;
const platforms: Platform[] = [];

afterEach(async () => {
  for (const p of platforms.splice(0)) await p.close({ stopInstances: true });
  await nomad?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function setup(
  options: Record<string, string | number> = {},
  appName = "web",
  source = app,
): Promise<DeploymentSpec> {
  dir = await mkdtemp(join(tmpdir(), "berth-nomad-"));
  nomad = await startNomadDouble({ token: aclToken });
  store = await openStore({ path: join(dir, "berth.db") });
  const src = join(dir, "src");
  await mkdir(src);
  await writeFile(join(src, "server.js"), source);
  const artifact = await packDirectory(src, join(dir, "artifacts"));
  const row = await upsertApplication(store.db, { project: "shop", app: "web", labels: {}, configJson: "" });
  const dep = await insertDeployment(store.db, { appId: row.id });
  return {
    deploymentId: dep.id,
    project: "shop",
    app: appName,
    seq: dep.seq,
    command: "node server.js",
    count: 2,
    health: { path: "/", intervalMs: 200, timeoutMs: 1000 },
    artifactPath: artifact.path,
    platform: "nomad",
    options: { address: nomad.address, driver: "raw_exec", memory: "128m", cpus: 0.25, ...options },
  };
}

function start(token = aclToken): Platform {
  const p = createNomadPlatform({
    dir: join(dir, "deployments"),
    db: store.db,
    envFor: async (_s, i: InstanceView) => ({ V: "1", BERTH_INSTANCE_ID: i.id }),
    tokenFor: async (_s, i: InstanceView) => `entry-token-${i.idx}`,
    env: { NOMAD_TOKEN: token },
  });
  platforms.push(p);
  return p;
}

const healthy = (p: Platform, spec: DeploymentSpec) =>
  pollUntil(() => {
    const list = p.instances(spec.deploymentId);
    return list.length === spec.count && list.every((i) => i.state === "running" && i.health === "healthy")
      ? list
      : undefined;
  }, 20_000);

async function get(i: InstanceView): Promise<string> {
  return (await fetch(`http://${i.host}:${i.port}/`)).text();
}

async function collect(exec: NativeExec): Promise<{ stdout: string; stderr: string; code: number }> {
  const out = { stdout: "", stderr: "" };
  for await (const chunk of exec.output) out[chunk.stream] += Buffer.from(chunk.data).toString();
  return { ...out, code: (await exec.exit).code };
}

describe("nomad platform (against a Nomad API double)", () => {
  it("registers one service job whose allocations serve HTTP, and destroy purges it", async () => {
    const spec = { ...(await setup({ datacenters: "dc1,dc2", canary: 1 })), maxParallel: 2 };
    const p = start();
    await p.deploy(spec, new AbortController().signal);
    const list = await healthy(p, spec);

    expect(list.map((i) => i.id).sort()).toEqual([`${spec.deploymentId}-0`, `${spec.deploymentId}-1`]);
    for (const i of list) {
      expect(i.host).toBe("127.0.0.1");
      expect(i.nativeId).toMatch(/^[0-9a-f-]{36}$/);
      // The app got its slot's id through Nomad's interpolation; the entrypoint kept its token from the app.
      expect(await get(i)).toBe(`v=1 id=${i.id} token=none`);
    }
    const stored = nomad.jobs.get("shop-web-v1")!;
    const group = (stored.job.TaskGroups as Record<string, unknown>[])[0]!;
    expect(stored.job.Meta).toEqual({
      managed_by: "berth",
      berth_project: "shop",
      berth_app: "web",
      berth_deployment_id: spec.deploymentId,
    });
    expect(stored.job.Datacenters).toEqual(["dc1", "dc2"]);
    expect(group.Count).toBe(2);
    expect(group.Update).toMatchObject({ Canary: 1, MaxParallel: 2 });
    expect((group.Tasks as Record<string, unknown>[])[0]!.Resources).toEqual({ CPU: 250, MemoryMB: 128 });
    // The entrypoint tokens live in the job's Nomad Variable, not in the job spec.
    expect(JSON.stringify(stored.job)).not.toContain("entry-token");
    expect(nomad.variables.get("nomad/jobs/shop-web-v1")).toEqual({
      token_0: "entry-token-0",
      token_1: "entry-token-1",
    });
    const rows = await store.db.selectFrom("instances").selectAll().execute();
    expect(rows.map((r) => r.state).sort()).toEqual(["running", "running"]);

    await p.destroy(spec.deploymentId);
    expect(nomad.jobs.size).toBe(0);
    expect(nomad.variables.size).toBe(0);
    expect(p.instances(spec.deploymentId)).toEqual([]);
    for (const i of list) await expect(fetch(`http://${i.host}:${i.port}/`)).rejects.toThrow();
    const after = await store.db.selectFrom("instances").select("state").execute();
    expect(after.map((r) => r.state)).toEqual(["stopped", "stopped"]);
  });

  it("an allocation whose task keeps exiting shows as crashed with the exit code of its task events", async () => {
    const dies = 'console.error("DATABASE_URL is not set"); process.exit(3);';
    const spec = { ...(await setup({}, "web", dies)), count: 1 };
    const p = start();
    await p.deploy(spec, new AbortController().signal);
    // What fails a deploy fast (lifecycle/crash-loop.ts), and the code its message names.
    const [view] = await pollUntil(() => {
      const list = p.instances(spec.deploymentId);
      return list[0] && exitsOf(list[0]) >= maxExitsBeforeHealthy && list;
    }, 20_000);
    expect(view!.exitCode).toBe(3);
    expect(view!.state).toBe("crashed");
    expect(view!.lastHealthError).toBe("allocation failed (exit code 3)");
  });

  it("writes a renewed token into its slot of the job's variable, where the slot's next start reads it", async () => {
    const spec = await setup();
    const p = start();
    await p.deploy(spec, new AbortController().signal);
    await healthy(p, spec);
    const path = "nomad/jobs/shop-web-v1";
    expect(nomad.variables.get(path)).toEqual({ token_0: "entry-token-0", token_1: "entry-token-1" });
    // Both slots renew at once: check-and-set keeps either from undoing the other.
    await Promise.all([
      p.tokenRenewed!(spec.deploymentId, `${spec.deploymentId}-1`, "renewed-1"),
      p.tokenRenewed!(spec.deploymentId, `${spec.deploymentId}-0`, "renewed-0"),
    ]);
    expect(nomad.variables.get(path)).toEqual({ token_0: "renewed-0", token_1: "renewed-1" });
    // A token of a deployment this platform does not run goes nowhere.
    const writes = () => nomad.requests.filter((r) => r.startsWith("PUT /v1/var/")).length;
    const before = writes();
    await p.tokenRenewed!("unknown", "unknown-0", "x");
    expect(writes()).toBe(before);
  });

  it("a new server adopts the running job by its Meta instead of registering it again", async () => {
    const spec = await setup();
    const first = start();
    await first.deploy(spec, new AbortController().signal);
    const before = await healthy(first, spec);
    await first.close(); // the server goes; the job keeps running

    const second = start();
    expect(await second.resume([spec])).toEqual({ adopted: 2, started: 0 });
    const after = await healthy(second, spec);
    expect(after.map((i) => i.nativeId).sort()).toEqual(before.map((i) => i.nativeId).sort());
    expect(nomad.requests.filter((r) => r === "PUT /v1/jobs")).toHaveLength(1);
    expect(nomad.jobs.get("shop-web-v1")!.allocs).toHaveLength(2);
    for (const i of after) expect(await get(i)).toContain(`id=${i.id}`);
  });

  it("re-registers a job that went while the server was down", async () => {
    const spec = await setup();
    const first = start();
    await first.deploy(spec, new AbortController().signal);
    await healthy(first, spec);
    await first.close();
    const res = await fetch(`${nomad.address}/v1/job/shop-web-v1?purge=true`, {
      method: "DELETE",
      headers: { "X-Nomad-Token": aclToken },
    });
    expect(res.status).toBe(200);

    const second = start();
    expect(await second.resume([spec])).toEqual({ adopted: 0, started: 2 });
    for (const i of await healthy(second, spec)) expect(await get(i)).toContain(`id=${i.id}`);
  });

  it("sweeps the jobs of deployments the store records as destroyed, on first contact with the agent", async () => {
    const spec = await setup();
    const first = start();
    await first.deploy(spec, new AbortController().signal);
    await healthy(first, spec);
    await first.close();
    await store.db
      .updateTable("deployments")
      .set({ status: "destroyed" })
      .where("id", "=", spec.deploymentId)
      .execute();
    const appId = (await store.db.selectFrom("deployments").select("app_id").executeTakeFirstOrThrow())
      .app_id;
    const next = await insertDeployment(store.db, { appId });
    const spec2 = { ...spec, deploymentId: next.id, seq: next.seq, count: 1 };

    const second = start();
    await second.deploy(spec2, new AbortController().signal);
    // The sweep purges the job, then deletes its token variable.
    await pollUntil(
      () => !nomad.jobs.has("shop-web-v1") && !nomad.variables.has("nomad/jobs/shop-web-v1"),
      10_000,
    );
    expect([...nomad.jobs.keys()]).toEqual(["shop-web-v2"]);
    expect([...nomad.variables.keys()]).toEqual(["nomad/jobs/shop-web-v2"]);
    await healthy(second, spec2);
  });

  it("streams an allocation's stdout and stderr through Nomad's logs endpoint, following new lines", async () => {
    const spec = await setup();
    const p = start();
    await p.deploy(spec, new AbortController().signal);
    const [inst] = await healthy(p, spec);
    const abort = new AbortController();
    const lines: string[] = [];
    const reading = (async () => {
      for await (const l of p.nativeLogs!(inst!.id, { tailLines: 50, follow: true, signal: abort.signal }))
        lines.push(`${l.stream}: ${l.text}`);
    })();
    // Two streams, two requests: each line arrives in its own time.
    await pollUntil(
      () =>
        lines.includes(`stderr: warming up ${inst!.id}`) &&
        lines.includes(`stdout: listening on ${inst!.port}`),
      10_000,
    );
    await get(inst!);
    await pollUntil(() => lines.includes("stdout: served /"), 10_000);
    abort.abort();
    await reading;
  });

  it("runs commands in an allocation through Nomad's exec socket: exit code, stderr, tty resize", async () => {
    const spec = await setup();
    const p = start();
    await p.deploy(spec, new AbortController().signal);
    const [inst] = await healthy(p, spec);
    const signal = new AbortController().signal;

    const plain = await p.nativeExec!(
      inst!.id,
      {
        args: ["sh", "-c", 'echo out; echo err >&2; printf %s "$BERTH_ENTRYPOINT_TOKEN"; exit 3'],
        tty: false,
        cols: 0,
        rows: 0,
      },
      signal,
    );
    // The task's environment has its own slot's token, rendered from the Nomad Variable by the template.
    expect(await collect(plain)).toEqual({
      stdout: `out\nentry-token-${inst!.idx}`,
      stderr: "err\n",
      code: 3,
    });

    const tty = await p.nativeExec!(inst!.id, { args: ["sh"], tty: true, cols: 80, rows: 24 }, signal);
    tty.resize(100, 40);
    tty.write(Buffer.from("stty size; exit 7\n"));
    const result = await collect(tty);
    expect(result.stdout).toContain("40 100");
    expect(result.code).toBe(7);
  });

  it("fails with errors naming an unreachable agent, Nomad's reason for a refused job, and a refused token", async () => {
    const spec = await setup();
    const closed = await freePort();
    const p = start();
    await expect(
      p.deploy(
        { ...spec, options: { ...spec.options, address: `http://127.0.0.1:${closed}` } },
        new AbortController().signal,
      ),
    ).rejects.toThrow(`the Nomad agent at http://127.0.0.1:${closed} does not answer: ECONNREFUSED`);

    await expect(p.deploy({ ...spec, app: "my web" }, new AbortController().signal)).rejects.toThrow(
      /Nomad refused PUT \/v1\/jobs \(400\): 1 error occurred: \* Job ID contains a space/,
    );
    expect(nomad.jobs.size).toBe(0);
    expect(nomad.variables.size).toBe(0); // the failed deploy left no token behind
    expect(p.liveDeployments()).toEqual([]);

    // An exec the agent refuses (an allocation it does not know) names the allocation and Nomad's status.
    const client = createNomadClient({ address: nomad.address, token: aclToken });
    await expect(
      nomadExec(
        client,
        "no-such-alloc",
        "app",
        { args: ["sh"], tty: false, cols: 0, rows: 0 },
        new AbortController().signal,
      ),
    ).rejects.toThrow("Nomad refused exec into allocation no-such-alloc (404)");

    const wrong = start("not-the-token");
    const error = await wrong.deploy(spec, new AbortController().signal).catch((e: Error) => e);
    expect(String(error)).toMatch(
      /Nomad refused PUT \/v1\/var\/nomad\/jobs\/shop-web-v1 \(403\): Permission denied/,
    );
    expect(String(error)).not.toContain("not-the-token");
  });
});

describe("the Nomad double itself", () => {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(nomad.address + path, { ...init, headers: { "X-Nomad-Token": aclToken, ...init.headers } });
  const job = (extra: Record<string, unknown>) => ({
    Job: {
      ID: "j",
      Name: "j",
      Type: "service",
      TaskGroups: [{ Name: "g", Count: 0, Tasks: [{ Name: "t", Driver: "raw_exec" }] }],
      ...extra,
    },
  });

  it("rejects what Nomad would: unknown fields, wrong types, invalid jobs, wrong methods, unknown jobs", async () => {
    await setup();
    const put = (body: unknown) => call("/v1/jobs", { method: "PUT", body: JSON.stringify(body) });
    let res = await put(job({ Priorty: 50 }));
    expect([res.status, await res.text()]).toEqual([400, 'json: unknown field "Priorty"']);
    res = await put(job({ Datacenters: "dc1" }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("cannot unmarshal string into Go struct field");
    res = await put(job({ ID: "", TaskGroups: [] }));
    expect(await res.text()).toBe("2 errors occurred:\n\t* Missing job ID\n\t* Missing job task groups\n\n");
    res = await call("/v1/jobs", { method: "PATCH" });
    expect(res.status).toBe(405);
    res = await call("/v1/job/nope");
    expect([res.status, await res.text()]).toEqual([404, "job not found"]);
    res = await fetch(`${nomad.address}/v1/jobs`);
    expect(res.status).toBe(403);
  });

  it("answers a blocking query when the job's allocations change, with a higher X-Nomad-Index", async () => {
    await setup();
    expect((await call("/v1/jobs", { method: "PUT", body: JSON.stringify(job({})) })).status).toBe(200);
    const first = await call("/v1/job/j/allocations");
    const index = Number(first.headers.get("X-Nomad-Index"));
    expect(index).toBeGreaterThan(0);
    const blocked = call(`/v1/job/j/allocations?index=${index}&wait=60s`);
    await call("/v1/jobs", {
      method: "PUT",
      body: JSON.stringify(
        job({ TaskGroups: [{ Name: "g", Count: 1, Tasks: [{ Name: "t", Driver: "exec" }] }] }),
      ),
    });
    const res = await blocked;
    expect(Number(res.headers.get("X-Nomad-Index"))).toBeGreaterThan(index);
    expect(await res.json()).toEqual([expect.objectContaining({ Name: "j.g[0]", ClientStatus: "failed" })]);
  });
});
