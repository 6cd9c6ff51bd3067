import type Docker from "dockerode";

/** The containers (running or not) Berth made for a deployment, found by its label. */
export function deploymentContainers(docker: Docker, deploymentId: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`berth.deployment=${deploymentId}`] }),
  });
}

/**
 * Removes one container: stopped first within `graceSeconds` (SIGTERM, then Docker's SIGKILL) when given, else
 * at once. A container already gone is no error.
 */
export async function removeContainer(docker: Docker, id: string, graceSeconds?: number): Promise<void> {
  const container = docker.getContainer(id);
  if (graceSeconds !== undefined) await container.stop({ t: graceSeconds }).catch(() => undefined);
  await container.remove({ force: true }).catch((err: { statusCode?: number }) => {
    if (err.statusCode !== 404) throw err;
  });
}

/** Removes every container of a deployment (stopping running ones within `graceSeconds` when given). */
export async function removeContainers(
  docker: Docker,
  deploymentId: string,
  graceSeconds?: number,
): Promise<void> {
  const list = await deploymentContainers(docker, deploymentId);
  await Promise.all(
    list.map((c) => removeContainer(docker, c.Id, c.State === "running" ? graceSeconds : undefined)),
  );
}
