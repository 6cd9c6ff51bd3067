import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type Docker from "dockerode";
import type { Kysely } from "kysely";
import type { Database } from "../../store/schema.js";
import { createInstanceWriter } from "../instance-writer.js";
import type { DeploymentSpec, InstanceView, Platform } from "../platform.js";
import type { ContainerInstance } from "./container-instance.js";
import { dockerSocketOf } from "./docker-client.js";
import { removeContainers } from "./docker-containers.js";
import { createDockerEngines } from "./docker-engines.js";
import type { ContainerEvent } from "./docker-events.js";
import { ensureImage, imageTagOf } from "./docker-image.js";
import { dockerNativeExec } from "./docker-native-exec.js";
import { dockerNativeLogs } from "./docker-native-logs.js";
import { resumeContainers } from "./docker-resume.js";
import { type ContainerDeps, type DockerRun, startContainer } from "./docker-run.js";
import { scaleContainers } from "./docker-scale.js";
import { keepImagesOf, pruneImages } from "./prune-images.js";

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

const noImage = 'deploy "docker" needs an "image" (the base image, like "node:20-slim")';

/**
 * The `docker` platform: each instance is a container of an image built from the deployment's artifact on
 * the base image berth.hcl names. Containers use the host's network (the router and the probes reach them on
 * 127.0.0.1:PORT), Docker restarts them (unless-stopped), and they outlive the server: the next one re-adopts
 * them by their labels. Built images beyond an app's cache (`keep_images`) are pruned after deploys and destroys.
 */
export function createDockerPlatform(options: DockerPlatformOptions): Platform {
  const { db } = options;
  const onError = options.onError ?? (() => {});
  const graceSeconds = Math.ceil((options.graceMs ?? 5000) / 1000);
  const entrypointDir = options.entrypointDir ?? entrypointDist;
  const workDir = join(options.dir, ".docker");
  const deployments = new Map<string, DockerRun>();
  /** Images of deploys still starting their first containers (not yet in `deployments`): never pruned. */
  const starting = new Set<string>();
  const listeners = new Set<(deploymentId: string) => void>();
  const rows = createInstanceWriter(db, onError);
  const engines = createDockerEngines({ db, onEvent, onError });

  function notify(deploymentId: string): void {
    for (const l of listeners) l(deploymentId);
  }

  const deps: ContainerDeps = {
    envFor: options.envFor,
    tokenFor: options.tokenFor,
    async imageFor(run) {
      if (run.image) return run.image;
      const baseImage = String(run.spec.options?.image ?? "");
      if (!baseImage) throw new Error(noImage);
      run.image = await ensureImage(run.docker, run.spec, { baseImage, entrypointDir, workDir });
      return run.image;
    },
    changed(run, view) {
      rows.write(view);
      notify(run.spec.deploymentId);
    },
  };

  /** The container of an instance and the engine that runs it; throws for an instance this platform does not run. */
  function containerOf(instanceId: string): { run: DockerRun; inst: ContainerInstance } {
    for (const run of deployments.values())
      for (const inst of run.instances) if (inst?.view.id === instanceId) return { run, inst };
    throw new Error(`instance ${instanceId} is not running on the docker platform of this server`);
  }

  function byContainer(containerId: string): ContainerInstance | undefined {
    for (const run of deployments.values())
      for (const inst of run.instances) if (inst.containerId === containerId) return inst;
    return undefined;
  }

  function onEvent(docker: Docker, e: ContainerEvent): void {
    const inst = byContainer(e.containerId);
    if (!inst) return;
    if (e.action === "die") inst.exited(e.exitCode);
    else if (e.action === "start" && inst.view.state !== "running") {
      // Docker restarted it (restart policy): a restart of the instance.
      const afterCrash = inst.view.state === "crashed";
      docker
        .getContainer(e.containerId)
        .inspect()
        .then((info) => inst.restarted(info.State, afterCrash))
        .catch(onError);
    }
  }

  /** Removes the app's images beyond its cache; the images of live deployments and starting deploys stay. */
  function prune(docker: Docker, spec: DeploymentSpec): Promise<void> {
    const inUse = new Set([...starting, ...[...deployments.values()].map((r) => r.image)]);
    return pruneImages(docker, spec, keepImagesOf(spec), inUse).then(() => undefined, onError);
  }

  return {
    name: "docker",
    async deploy(spec, signal) {
      const baseImage = String(spec.options?.image ?? "");
      if (!baseImage) throw new Error(noImage);
      const docker = await engines.connect(spec.options?.socket);
      const run: DockerRun = { spec, docker, image: "", instances: [] };
      // Kept from a prune from the moment its tag is known (a build may take a while).
      const tag = await imageTagOf(spec, baseImage, entrypointDir);
      starting.add(tag);
      try {
        await deps.imageFor(run);
        signal.throwIfAborted();
        deployments.set(spec.deploymentId, run);
        await Promise.all(Array.from({ length: spec.count }, (_, idx) => startContainer(deps, run, idx)));
      } catch (err) {
        // A deploy that failed half-way leaves no containers behind (the deployment is recorded as failed).
        if (deployments.get(spec.deploymentId) === run) deployments.delete(spec.deploymentId);
        for (const inst of run.instances) inst?.close();
        await removeContainers(docker, spec.deploymentId).catch(onError);
        throw err;
      } finally {
        starting.delete(tag);
      }
      await prune(docker, spec);
    },
    async destroy(deploymentId) {
      const run = deployments.get(deploymentId);
      deployments.delete(deploymentId);
      for (const inst of run?.instances ?? []) inst.close();
      const reached = run ? [run.docker] : engines.reached();
      await Promise.all(reached.map((d) => removeContainers(d, deploymentId, graceSeconds)));
      await rows.flush((run?.instances ?? []).map((i) => i.view.id));
      await db
        .updateTable("instances")
        .set({ state: "stopped", pid: 0 })
        .where("deployment_id", "=", deploymentId)
        .execute();
      notify(deploymentId);
      // Its image is now only a cache entry of the app.
      if (run) await prune(run.docker, run.spec);
    },
    async scale(spec) {
      const run = deployments.get(spec.deploymentId);
      if (!run) throw new Error(`deployment ${spec.deploymentId} has no containers on this server`);
      const turn = (run.scaling ?? Promise.resolve()).then(() =>
        scaleContainers(
          {
            ...deps,
            graceSeconds,
            isLive: (r) => deployments.get(r.spec.deploymentId) === r,
            async forget(r, instanceIds) {
              await rows.flush(instanceIds);
              await db.deleteFrom("instances").where("id", "in", instanceIds).execute();
              notify(r.spec.deploymentId);
            },
          },
          run,
          spec,
        ),
      );
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
        const docker = await engines.connect(spec.options?.socket);
        const run: DockerRun = { spec, docker, image: "", instances: [] };
        deployments.set(spec.deploymentId, run);
        const resumed = await resumeContainers(deps, db, run);
        counts.adopted += resumed.adopted;
        counts.started += resumed.started;
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
        await Promise.all(runs.map((r) => removeContainers(r.docker, r.spec.deploymentId, graceSeconds)));
      await engines.close();
      await rows.flush(runs.flatMap((r) => r.instances.map((i) => i?.view.id ?? "")));
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
