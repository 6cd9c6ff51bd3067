import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type Docker from "dockerode";
import type { Kysely } from "kysely";
import { ulid } from "ulid";
import type { Database } from "../../store/schema.js";
import { instanceRow } from "../instance-row.js";
import type { DeploymentSpec, InstanceView, Platform } from "../platform.js";
import { freePort } from "../process/free-port.js";
import { ContainerInstance } from "./container-instance.js";
import { containerSettings, labelOf } from "./container-settings.js";
import { dockerClient, dockerSocketOf, pingDocker } from "./docker-client.js";
import { followDockerEvents } from "./docker-events.js";
import { ensureImage } from "./docker-image.js";
import { dockerNativeExec } from "./docker-native-exec.js";
import { dockerNativeLogs } from "./docker-native-logs.js";
import { sweepOrphans } from "./sweep-orphans.js";

/** The self-contained entrypoint bundle (built by `npm run build`), copied into every image. */
export const entrypointDist = fileURLToPath(new URL("../../../../entrypoint/dist", import.meta.url));

export interface DockerPlatformOptions {
  /** Build contexts are made under `<dir>/.docker` and removed once the image is built. */
  dir: string;
  db: Kysely<Database>;
  /** Environment for an instance start: config vars and BERTH_* facts (PORT is added). */
  envFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<Record<string, string>>;
  /** The entrypoint's token; the container gets it as BERTH_ENTRYPOINT_TOKEN, which the entrypoint keeps from the app. */
  tokenFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<string>;
  graceMs?: number;
  entrypointDir?: string;
  onError?: (err: unknown) => void;
}

interface Running {
  spec: DeploymentSpec;
  docker: Docker;
  instances: ContainerInstance[];
  /** The scale in progress: a container takes its slot only once created, so scales take turns. */
  scaling?: Promise<void>;
}

/**
 * The `docker` platform: each instance is a container of an image built from the deployment's artifact on
 * the base image berth.hcl names. Containers use the host's network (the router and the probes reach them on
 * 127.0.0.1:PORT), Docker restarts them (unless-stopped), and they outlive the server: the next one re-adopts
 * them by their labels.
 */
export function createDockerPlatform(options: DockerPlatformOptions): Platform {
  const { db } = options;
  const onError = options.onError ?? (() => {});
  const graceSeconds = Math.ceil((options.graceMs ?? 5000) / 1000);
  const entrypointDir = options.entrypointDir ?? entrypointDist;
  const deployments = new Map<string, Running>();
  const clients = new Map<string, Docker>();
  const watchers = new Map<string, Promise<() => void>>();
  const listeners = new Set<(deploymentId: string) => void>();
  const writes = new Map<string, Promise<unknown>>();

  function persist(view: InstanceView): void {
    const { config_revision: _revision, ...updatable } = instanceRow(view);
    const prev = writes.get(view.id) ?? Promise.resolve();
    const next = prev
      .then(() =>
        db
          .insertInto("instances")
          .values(instanceRow(view))
          .onConflict((oc) => oc.column("id").doUpdateSet(updatable))
          .execute(),
      )
      .catch(onError);
    writes.set(view.id, next);
  }

  function notify(deploymentId: string): void {
    for (const l of listeners) l(deploymentId);
  }

  /** The container of an instance and the engine that runs it; throws for an instance this platform does not run. */
  function containerOf(instanceId: string): { run: Running; inst: ContainerInstance } {
    for (const run of deployments.values())
      for (const inst of run.instances) if (inst?.view.id === instanceId) return { run, inst };
    throw new Error(`instance ${instanceId} is not running on the docker platform of this server`);
  }

  function byContainer(containerId: string): ContainerInstance | undefined {
    for (const run of deployments.values())
      for (const inst of run.instances) if (inst.containerId === containerId) return inst;
    return undefined;
  }

  /** A client for the deployment's socket, its engine checked and its container events followed. */
  async function connect(spec: DeploymentSpec): Promise<Docker> {
    const socket = dockerSocketOf(spec.options?.socket);
    let docker = clients.get(socket);
    if (!docker) {
      docker = await dockerClient(socket);
      await pingDocker(docker, socket);
      clients.set(socket, docker);
      // First contact with this engine since the server started: containers of destroyed deployments go.
      sweepOrphans(docker, db).catch(onError);
    }
    const d = docker;
    let watcher = watchers.get(socket);
    if (!watcher) {
      watcher = followDockerEvents(d, (e) => onEvent(d, e.containerId, e.action, e.exitCode), onError);
      watchers.set(socket, watcher);
      watcher.catch(() => watchers.delete(socket));
    }
    await watcher;
    return d;
  }

  function onEvent(docker: Docker, containerId: string, action: string, exitCode: string): void {
    const inst = byContainer(containerId);
    if (!inst) return;
    if (action === "die") {
      inst.change({
        state: "crashed",
        health: "unhealthy",
        pid: 0,
        lastHealthError: `container exited with code ${exitCode || "?"}`,
        ...(/^\d+$/.test(exitCode) && { exitCode: Number(exitCode) }),
      });
    } else if (action === "start" && inst.view.state !== "running") {
      // Docker restarted it (restart policy): a restart of the instance.
      const restarted = inst.view.state === "crashed";
      docker
        .getContainer(containerId)
        .inspect()
        .then((info) =>
          inst.change({
            state: info.State.Running ? "running" : "crashed",
            health: "unknown",
            pid: info.State.Pid,
            startedAt: Date.now(),
            restarts: inst.view.restarts + (restarted ? 1 : 0),
          }),
        )
        .catch(onError);
    }
  }

  function track(run: Running, view: InstanceView, containerId: string): ContainerInstance {
    view.nativeId = containerId;
    const inst = new ContainerInstance(view, containerId, run.spec.health, (v) => {
      persist(v);
      notify(run.spec.deploymentId);
    });
    run.instances[view.idx] = inst;
    return inst;
  }

  /** Reads a container's state into its instance and starts the probes. */
  async function observe(run: Running, inst: ContainerInstance): Promise<void> {
    const info = await run.docker.getContainer(inst.containerId).inspect();
    inst.change({
      state: info.State.Running ? "running" : "crashed",
      pid: info.State.Pid,
      startedAt: inst.view.startedAt ?? Date.now(),
      ...(!info.State.Running && {
        lastHealthError: `container exited with code ${info.State.ExitCode}`,
        exitCode: info.State.ExitCode,
      }),
    });
    inst.probe();
  }

  /** Creates and starts a new container for slot `idx`. */
  async function startNew(run: Running, image: string, idx: number): Promise<void> {
    const { spec } = run;
    const view = newView(spec, idx, ulid());
    view.port = await freePort();
    const env = {
      ...(await options.envFor(spec, view)),
      PORT: String(view.port),
      BERTH_ENTRYPOINT_TOKEN: await options.tokenFor(spec, view),
    };
    const settings = containerSettings(spec, view, image, env);
    // A container of this name left by an earlier server for this slot is replaced.
    await run.docker
      .getContainer(settings.name)
      .remove({ force: true })
      .catch(() => undefined);
    const container = await run.docker.createContainer(settings);
    const inst = track(run, view, container.id);
    await container.start();
    await observe(run, inst);
  }

  async function removeContainers(docker: Docker, deploymentId: string, stop: boolean): Promise<void> {
    const list = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`berth.deployment=${deploymentId}`] }),
    });
    await Promise.all(
      list.map(async (c) => {
        const container = docker.getContainer(c.Id);
        if (stop && c.State === "running") await container.stop({ t: graceSeconds }).catch(() => undefined);
        await container.remove({ force: true }).catch((err: { statusCode?: number }) => {
          if (err.statusCode !== 404) throw err;
        });
      }),
    );
  }

  /** Starts containers in the next slots or removes the highest, until the deployment has `spec.count`. */
  async function scaleRun(run: Running, spec: DeploymentSpec): Promise<void> {
    const current = run.instances.length;
    if (spec.count > current) {
      // The deployment's image is already built (its tag covers artifact, base image and entrypoint).
      const image = await ensureImage(run.docker, spec, {
        baseImage: String(spec.options?.image ?? ""),
        entrypointDir,
        workDir: join(options.dir, ".docker"),
      });
      await Promise.all(
        Array.from({ length: spec.count - current }, (_, i) => startNew(run, image, current + i)),
      );
      // Destroyed while these started (its containers were listed before they existed): remove them too.
      if (deployments.get(spec.deploymentId) !== run) {
        for (const inst of run.instances) inst?.close();
        await removeContainers(run.docker, spec.deploymentId, true);
        throw new Error(`deployment ${spec.deploymentId} was destroyed while it scaled`);
      }
      return;
    }
    const removed = run.instances.splice(spec.count).filter(Boolean);
    if (removed.length === 0) return;
    for (const inst of removed) inst.close();
    await Promise.all(
      removed.map(async (inst) => {
        const container = run.docker.getContainer(inst.containerId);
        await container.stop({ t: graceSeconds }).catch(() => undefined);
        await container.remove({ force: true }).catch((err: { statusCode?: number }) => {
          if (err.statusCode !== 404) throw err;
        });
      }),
    );
    await Promise.all(removed.map((i) => writes.get(i.view.id)));
    // Their slots may be taken again by a later scale-up; a stopped row would then stand beside the new one.
    await db
      .deleteFrom("instances")
      .where(
        "id",
        "in",
        removed.map((i) => i.view.id),
      )
      .execute();
    notify(spec.deploymentId);
  }

  return {
    name: "docker",
    async deploy(spec, signal) {
      const baseImage = String(spec.options?.image ?? "");
      if (!baseImage)
        throw new Error('deploy "docker" needs an "image" (the base image, like "node:20-slim")');
      const docker = await connect(spec);
      const image = await ensureImage(docker, spec, {
        baseImage,
        entrypointDir,
        workDir: join(options.dir, ".docker"),
      });
      signal.throwIfAborted();
      const run: Running = { spec, docker, instances: [] };
      deployments.set(spec.deploymentId, run);
      try {
        await Promise.all(Array.from({ length: spec.count }, (_, idx) => startNew(run, image, idx)));
      } catch (err) {
        // A deploy that failed half-way leaves no containers behind (the deployment is recorded as failed).
        deployments.delete(spec.deploymentId);
        for (const inst of run.instances) inst?.close();
        await removeContainers(docker, spec.deploymentId, false).catch(onError);
        throw err;
      }
    },
    async destroy(deploymentId) {
      const run = deployments.get(deploymentId);
      deployments.delete(deploymentId);
      for (const inst of run?.instances ?? []) inst.close();
      const engines = run ? [run.docker] : [...clients.values()];
      await Promise.all(engines.map((d) => removeContainers(d, deploymentId, true)));
      await Promise.all((run?.instances ?? []).map((i) => writes.get(i.view.id)));
      await db
        .updateTable("instances")
        .set({ state: "stopped", pid: 0 })
        .where("deployment_id", "=", deploymentId)
        .execute();
      notify(deploymentId);
    },
    async scale(spec) {
      const run = deployments.get(spec.deploymentId);
      if (!run) throw new Error(`deployment ${spec.deploymentId} has no containers on this server`);
      const turn = (run.scaling ?? Promise.resolve()).then(() => scaleRun(run, spec));
      run.scaling = turn.catch(() => undefined);
      await turn;
    },
    instances(deploymentId) {
      return (deployments.get(deploymentId)?.instances ?? []).filter(Boolean).map((i) => ({ ...i.view }));
    },
    liveDeployments: () => [...deployments.keys()],
    async resume(specs) {
      const counts = { adopted: 0, started: 0 };
      for (const spec of specs) {
        const docker = await connect(spec);
        const run: Running = { spec, docker, instances: [] };
        deployments.set(spec.deploymentId, run);
        const found = await docker.listContainers({
          all: true,
          filters: JSON.stringify({ label: [`berth.deployment=${spec.deploymentId}`] }),
        });
        const rows = await db
          .selectFrom("instances")
          .selectAll()
          .where("deployment_id", "=", spec.deploymentId)
          .execute();
        let image: string | undefined;
        for (let idx = 0; idx < spec.count; idx++) {
          const c = found.find((x) => labelOf(x.Labels, "idx") === String(idx));
          if (!c) {
            image ??= await ensureImage(docker, spec, {
              baseImage: String(spec.options?.image ?? ""),
              entrypointDir,
              workDir: join(options.dir, ".docker"),
            });
            await startNew(run, image, idx);
            counts.started++;
            continue;
          }
          const id = labelOf(c.Labels, "instance");
          const row = rows.find((r) => r.id === id);
          const view = newView(spec, idx, id);
          // The row has the port an entrypoint may have moved the app to (a config change); the label the first.
          Object.assign(view, {
            port: row?.port || Number(labelOf(c.Labels, "port")),
            restarts: row?.restarts ?? 0,
            startedAt: row?.started_at ?? null,
            health: row?.health ?? "unknown",
          });
          const inst = track(run, view, c.Id);
          if (c.State === "running") counts.adopted++;
          else {
            await docker.getContainer(c.Id).start();
            counts.started++;
          }
          await observe(run, inst);
        }
        // Slots beyond the deployment's count (none, unless the spec changed) are not ours to keep.
        for (const c of found)
          if (Number(labelOf(c.Labels, "idx")) >= spec.count)
            await docker
              .getContainer(c.Id)
              .remove({ force: true })
              .catch(() => undefined);
      }
      return counts;
    },
    setInstancePort(instanceId, port) {
      for (const run of deployments.values())
        for (const inst of run.instances) if (inst?.view.id === instanceId) return inst.appReplaced(port);
      return false;
    },
    async close({ stopInstances = false } = {}) {
      const runs = [...deployments.values()];
      deployments.clear();
      for (const run of runs) for (const inst of run.instances) inst?.close();
      // Apps outlive the server unless told otherwise: their containers keep running.
      if (stopInstances)
        await Promise.all(runs.map((r) => removeContainers(r.docker, r.spec.deploymentId, true)));
      for (const w of watchers.values()) (await w.catch(() => () => {}))();
      watchers.clear();
      await Promise.all(runs.flatMap((r) => r.instances.map((i) => writes.get(i?.view.id ?? ""))));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    nativeLogs(instanceId, logOptions) {
      const { run, inst } = containerOf(instanceId);
      return dockerNativeLogs(run.docker, inst.containerId, logOptions);
    },
    nativeExec(instanceId, request, signal) {
      const { run, inst } = containerOf(instanceId);
      const sameHost = !dockerSocketOf(run.spec.options?.socket).startsWith("tcp://");
      return dockerNativeExec(run.docker, inst.containerId, request, signal, { sameHost });
    },
  };
}

function newView(spec: DeploymentSpec, idx: number, id: string): InstanceView {
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
    cwd: "/app",
    logFile: "",
  };
}
