import type Docker from "dockerode";
import { ulid } from "ulid";
import type { DeploymentSpec, InstanceView } from "../platform.js";
import { freePort } from "../process/free-port.js";
import { ContainerInstance } from "./container-instance.js";
import { containerSettings } from "./container-settings.js";

/** A deployment the docker platform runs: its engine, its image and a container per slot. */
export interface DockerRun {
  spec: DeploymentSpec;
  docker: Docker;
  /** The image its containers run (kept from pruning while the deployment lives); "" until known. */
  image: string;
  instances: ContainerInstance[];
  /** The scale in progress: a container takes its slot only once created, so scales take turns. */
  scaling?: Promise<void>;
}

/** What starting a container needs from the platform. */
export interface ContainerDeps {
  /** Environment for an instance start: config vars and BERTH_* facts (PORT is added). */
  envFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<Record<string, string>>;
  /** The entrypoint's token (BERTH_ENTRYPOINT_TOKEN, which the entrypoint keeps from the app). */
  tokenFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<string>;
  /** The deployment's image, built if the engine does not have it. */
  imageFor: (run: DockerRun) => Promise<string>;
  /** Every change of an instance's view (its row is written, listeners told). */
  changed: (run: DockerRun, view: InstanceView) => void;
}

/** A new instance's view in slot `idx`; containers run the app from the image's /app. */
export function containerView(spec: DeploymentSpec, idx: number, id: string): InstanceView {
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

/** Takes a container into its slot of the deployment. */
export function trackContainer(
  deps: ContainerDeps,
  run: DockerRun,
  view: InstanceView,
  containerId: string,
): ContainerInstance {
  view.nativeId = containerId;
  const inst = new ContainerInstance(view, containerId, run.spec.health, (v) => deps.changed(run, v));
  run.instances[view.idx] = inst;
  return inst;
}

/** Reads a container's state into its instance and starts the probes. */
export async function observeContainer(run: DockerRun, inst: ContainerInstance): Promise<void> {
  const info = await run.docker.getContainer(inst.containerId).inspect();
  inst.inspected(info.State);
  inst.probe();
}

/** Creates and starts a new container for slot `idx`. */
export async function startContainer(deps: ContainerDeps, run: DockerRun, idx: number): Promise<void> {
  const { spec } = run;
  const image = await deps.imageFor(run);
  const view = containerView(spec, idx, ulid());
  view.port = await freePort();
  const env = {
    ...(await deps.envFor(spec, view)),
    PORT: String(view.port),
    BERTH_ENTRYPOINT_TOKEN: await deps.tokenFor(spec, view),
  };
  const settings = containerSettings(spec, view, image, env);
  // A container of this name left by an earlier server for this slot is replaced.
  await run.docker
    .getContainer(settings.name)
    .remove({ force: true })
    .catch(() => undefined);
  const container = await run.docker.createContainer(settings);
  const inst = trackContainer(deps, run, view, container.id);
  await container.start();
  await observeContainer(run, inst);
}
