import type { DeploymentSpec } from "../platform.js";
import { removeContainer, removeContainers } from "./docker-containers.js";
import { type ContainerDeps, type DockerRun, startContainer } from "./docker-run.js";

export interface ScaleDeps extends ContainerDeps {
  /** Whether the deployment is still live (not destroyed meanwhile). */
  isLive: (run: DockerRun) => boolean;
  /** Containers stop within this many seconds. */
  graceSeconds: number;
  /** Forgets instances that are gone for good (their rows, once their pending writes are done). */
  forget: (run: DockerRun, instanceIds: string[]) => Promise<void>;
}

/** Starts containers in the next slots or removes the highest, until the deployment has `spec.count`. */
export async function scaleContainers(deps: ScaleDeps, run: DockerRun, spec: DeploymentSpec): Promise<void> {
  const current = run.instances.length;
  if (spec.count > current) {
    // The deployment's image is already built (its tag covers artifact, base image and entrypoint).
    await Promise.all(
      Array.from({ length: spec.count - current }, (_, i) => startContainer(deps, run, current + i)),
    );
    // Destroyed while these started (its containers were listed before they existed): remove them too.
    if (!deps.isLive(run)) {
      for (const inst of run.instances) inst?.close();
      await removeContainers(run.docker, spec.deploymentId, deps.graceSeconds);
      throw new Error(`deployment ${spec.deploymentId} was destroyed while it scaled`);
    }
    return;
  }
  const removed = run.instances.splice(spec.count).filter(Boolean);
  if (removed.length === 0) return;
  for (const inst of removed) inst.close();
  await Promise.all(removed.map((inst) => removeContainer(run.docker, inst.containerId, deps.graceSeconds)));
  // Their slots may be taken again by a later scale-up; a stopped row would then stand beside the new one.
  await deps.forget(
    run,
    removed.map((i) => i.view.id),
  );
}
