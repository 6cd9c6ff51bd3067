import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Kysely } from "kysely";
import { unpackArchive } from "../../registry/safe-unpack.js";
import type { Database } from "../../store/schema.js";
import { createInstanceWriter } from "../instance-writer.js";
import type { DeploymentSpec, InstanceView, Platform } from "../platform.js";
import { type AllocDetail, type AllocStub, currentAllocs } from "./alloc-view.js";
import { createNomadClient, type NomadClient, NomadError } from "./nomad-client.js";
import { nomadExec } from "./nomad-exec.js";
import { NomadInstance } from "./nomad-instance.js";
import { nomadJob, nomadJobId, nomadVar, tokenVariablePath } from "./nomad-job.js";
import { berthJobs, purgeJob, storeToken, sweepNomadJobs } from "./nomad-jobs.js";
import { nomadLogs } from "./nomad-logs.js";
import { watchAllocs } from "./watch-allocs.js";

const entrypointBin = fileURLToPath(
  new URL("../../../../entrypoint/bin/berth-entrypoint.js", import.meta.url),
);
const entrypointDist = fileURLToPath(new URL("../../../../entrypoint/dist", import.meta.url));
/** The job's one group and task. */
const task = "app";

export interface NomadPlatformOptions {
  /** Deployments are unpacked under `<dir>/<deploymentId>/app`, where raw_exec tasks run them. */
  dir: string;
  db: Kysely<Database>;
  envFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<Record<string, string>>;
  /** Entrypoint tokens, one per slot, kept in the job's Nomad Variable (never in the job spec). */
  tokenFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<string>;
  /** Where NOMAD_ADDR and the token variable are read (default: the server's environment). */
  env?: NodeJS.ProcessEnv;
  onError?: (err: unknown) => void;
}

interface Running {
  spec: DeploymentSpec;
  jobId: string;
  client: NomadClient;
  instances: NomadInstance[];
  details: Map<string, AllocDetail>;
  abort: AbortController;
  watching: Promise<void>;
}

/**
 * The `nomad` platform: each deployment is one Nomad service job (`<project>-<app>-v<seq>`) whose allocations
 * are its instances. Nomad places, restarts and reschedules them; Berth follows their allocations with blocking
 * queries, routes to each one's dynamic port and re-adopts the job by its Meta after a restart.
 */
export function createNomadPlatform(options: NomadPlatformOptions): Platform {
  const { db } = options;
  const env = options.env ?? process.env;
  const onError = options.onError ?? (() => {});
  const deployments = new Map<string, Running>();
  const clients = new Map<string, NomadClient>();
  const listeners = new Set<(deploymentId: string) => void>();
  const rows = createInstanceWriter(db, onError);

  function notify(deploymentId: string): void {
    for (const l of listeners) l(deploymentId);
  }

  /** The agent of a deployment (berth.hcl address/namespace/region, token from the server's environment). */
  function clientFor(spec: DeploymentSpec): NomadClient {
    const o = spec.options ?? {};
    const address = String(o.address ?? env.NOMAD_ADDR ?? "http://127.0.0.1:4646");
    const tokenEnv = String(o.token_env ?? "NOMAD_TOKEN");
    const target = {
      address,
      namespace: o.namespace ? String(o.namespace) : undefined,
      region: o.region ? String(o.region) : undefined,
    };
    const key = JSON.stringify({ ...target, tokenEnv });
    let client = clients.get(key);
    if (!client) {
      client = createNomadClient({ ...target, token: env[tokenEnv] });
      clients.set(key, client);
      // First contact with this agent since the server started: jobs of destroyed deployments go.
      sweepNomadJobs(client, db).catch(onError);
    }
    return client;
  }

  async function unpack(spec: DeploymentSpec): Promise<string> {
    const root = join(options.dir, spec.deploymentId);
    const appDir = join(root, "app");
    if (existsSync(join(root, ".unpacked"))) return appDir;
    await rm(appDir, { recursive: true, force: true });
    await mkdir(root, { recursive: true, mode: 0o711 });
    try {
      await unpackArchive(spec.artifactPath, appDir);
    } catch (err) {
      await rm(root, { recursive: true, force: true });
      throw err;
    }
    await writeFile(join(root, ".unpacked"), "");
    return appDir;
  }

  /** Starts following a job: one instance per slot (starting until Nomad places it), then its allocations. */
  function track(spec: DeploymentSpec, client: NomadClient): Running {
    const abort = new AbortController();
    const run: Running = {
      spec,
      jobId: nomadJobId(spec),
      client,
      instances: [],
      details: new Map(),
      abort,
      watching: Promise.resolve(),
    };
    run.instances = Array.from({ length: spec.count }, (_, idx) => {
      const inst = new NomadInstance(slotView(spec, idx), spec.health, (v) => {
        rows.write(v);
        notify(spec.deploymentId);
      });
      inst.probe();
      return inst;
    });
    deployments.set(spec.deploymentId, run);
    run.watching = watchAllocs(client, run.jobId, (allocs) => observe(run, allocs), onError, abort.signal);
    return run;
  }

  async function observe(run: Running, allocs: AllocStub[]): Promise<void> {
    const current = currentAllocs(allocs, run.spec.count);
    await Promise.all(
      current.map(async (alloc, idx) => {
        let detail = alloc && run.details.get(alloc.ID);
        if (alloc && !detail) {
          const path = `/v1/allocation/${encodeURIComponent(alloc.ID)}`;
          detail = (await run.client.call<AllocDetail>("GET", path, { signal: run.abort.signal })).body;
          run.details.set(alloc.ID, detail);
        }
        run.instances[idx]?.observe(alloc, detail);
      }),
    );
  }

  async function untrack(run: Running): Promise<void> {
    deployments.delete(run.spec.deploymentId);
    run.abort.abort();
    for (const inst of run.instances) inst.close();
    await run.watching;
    await rows.flush(run.instances.map((i) => i.view.id));
  }

  async function register(spec: DeploymentSpec, signal: AbortSignal): Promise<void> {
    const client = clientFor(spec);
    const appDir = await unpack(spec);
    signal.throwIfAborted();
    const jobId = nomadJobId(spec);
    const items: Record<string, string> = {};
    for (let idx = 0; idx < spec.count; idx++)
      items[`token_${idx}`] = await options.tokenFor(spec, slotView(spec, idx));
    const path = tokenVariablePath(jobId);
    await client.call("PUT", `/v1/var/${path}`, { body: { Path: path, Items: items }, signal });
    // One environment for all allocations: Nomad puts each one's slot into its instance id.
    const appEnv = await options.envFor(
      spec,
      slotView(spec, 0, `${spec.deploymentId}-${nomadVar("NOMAD_ALLOC_INDEX")}`),
    );
    const serverAddr = spec.options?.server_addr;
    if (typeof serverAddr === "string" && serverAddr) appEnv.BERTH_SERVER_ADDR = serverAddr;
    const job = nomadJob(spec, appEnv, {
      appDir,
      node: process.execPath,
      entrypoint: entrypointBin,
      entrypointDir: entrypointDist,
    });
    const run = track(spec, client);
    try {
      await client.call("PUT", "/v1/jobs", { body: { Job: job }, signal });
    } catch (err) {
      await untrack(run);
      await purgeJob(client, jobId).catch(onError);
      throw err;
    }
  }

  function instance(instanceId: string): { run: Running; inst: NomadInstance } {
    for (const run of deployments.values())
      for (const inst of run.instances)
        if (inst.view.id === instanceId) {
          if (!inst.view.nativeId) throw new Error(`instance ${instanceId} has no Nomad allocation yet`);
          return { run, inst };
        }
    throw new Error(`no Nomad instance ${instanceId}`);
  }

  return {
    name: "nomad",
    deploy: (spec, signal) => register(spec, signal),
    async destroy(deploymentId) {
      const run = deployments.get(deploymentId);
      if (run) {
        await untrack(run);
        await purgeJob(run.client, run.jobId);
      } else {
        // Not adopted by this server: find its job on the agents this server talks to.
        for (const client of clients.values())
          for (const job of await berthJobs(client))
            if (job.Meta?.berth_deployment_id === deploymentId) await purgeJob(client, job.ID);
      }
      await db
        .updateTable("instances")
        .set({ state: "stopped", pid: 0 })
        .where("deployment_id", "=", deploymentId)
        .execute();
      const root = join(options.dir, deploymentId);
      await rm(join(root, ".unpacked"), { force: true });
      await rm(join(root, "app"), { recursive: true, force: true });
      notify(deploymentId);
    },
    instances: (deploymentId) => (deployments.get(deploymentId)?.instances ?? []).map((i) => ({ ...i.view })),
    liveDeployments: () => [...deployments.keys()],
    async resume(specs) {
      const counts = { adopted: 0, started: 0 };
      for (const spec of specs) {
        const client = clientFor(spec);
        const jobId = nomadJobId(spec);
        const job = await client
          .call<{ Stop?: boolean; Meta?: Record<string, string> | null }>("GET", `/v1/job/${jobId}`)
          .then((r) => r.body)
          .catch((err: unknown) => {
            if (err instanceof NomadError && err.status === 404) return undefined;
            throw err;
          });
        if (!job || job.Stop || job.Meta?.berth_deployment_id !== spec.deploymentId) {
          await register(spec, new AbortController().signal);
          counts.started += spec.count;
          continue;
        }
        // The job is still there: Nomad kept its allocations running (and restarts any that stopped).
        await unpack(spec);
        const { body } = await client.call<AllocStub[]>("GET", `/v1/job/${jobId}/allocations`);
        const live = currentAllocs(body, spec.count).filter((a) => a?.ClientStatus === "running").length;
        counts.adopted += live;
        counts.started += spec.count - live;
        track(spec, client);
      }
      return counts;
    },
    setInstancePort(instanceId, port) {
      for (const run of deployments.values())
        for (const inst of run.instances) if (inst.view.id === instanceId) return inst.appReplaced(port);
      return false;
    },
    async tokenRenewed(deploymentId, instanceId, secret) {
      const run = deployments.get(deploymentId);
      const slot = run?.instances.find((i) => i.view.id === instanceId);
      if (run && slot) await storeToken(run.client, run.jobId, slot.view.idx, secret);
    },
    async close({ stopInstances = false } = {}) {
      const runs = [...deployments.values()];
      await Promise.all(runs.map((r) => untrack(r)));
      // Apps outlive the server unless told otherwise: their jobs keep running.
      if (stopInstances) await Promise.all(runs.map((r) => purgeJob(r.client, r.jobId).catch(onError)));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    nativeLogs(instanceId, logOptions) {
      const { run, inst } = instance(instanceId);
      return nomadLogs(run.client, inst.view.nativeId ?? "", task, logOptions);
    },
    async nativeExec(instanceId, request, signal) {
      const { run, inst } = instance(instanceId);
      return nomadExec(run.client, inst.view.nativeId ?? "", task, request, signal);
    },
  };
}

/** A slot's view before Nomad has placed it; its id is stable across allocations (and server restarts). */
function slotView(spec: DeploymentSpec, idx: number, id = `${spec.deploymentId}-${idx}`): InstanceView {
  return {
    id,
    deploymentId: spec.deploymentId,
    idx,
    state: "starting",
    health: "unknown",
    port: 0,
    pid: 0,
    restarts: 0,
    startedAt: null,
    lastHealthError: "",
    cwd: "/",
    logFile: "",
  };
}
