import type { Kysely } from "kysely";
import type { Database } from "../../store/schema.js";
import type { ResumeCounts } from "../platform.js";
import { labelOf } from "./container-settings.js";
import { deploymentContainers } from "./docker-containers.js";
import {
  type ContainerDeps,
  containerView,
  type DockerRun,
  observeContainer,
  startContainer,
  trackContainer,
} from "./docker-run.js";

/**
 * After a server start: takes over the deployment's containers by their labels (same containers, same ports),
 * starts stopped ones, makes missing slots anew and removes containers of slots beyond its count.
 */
export async function resumeContainers(
  deps: ContainerDeps,
  db: Kysely<Database>,
  run: DockerRun,
): Promise<ResumeCounts> {
  const { spec, docker } = run;
  const counts = { adopted: 0, started: 0 };
  const found = await deploymentContainers(docker, spec.deploymentId);
  const rows = await db
    .selectFrom("instances")
    .selectAll()
    .where("deployment_id", "=", spec.deploymentId)
    .execute();
  for (let idx = 0; idx < spec.count; idx++) {
    const c = found.find((x) => labelOf(x.Labels, "idx") === String(idx));
    if (!c) {
      await startContainer(deps, run, idx);
      counts.started++;
      continue;
    }
    const id = labelOf(c.Labels, "instance");
    const row = rows.find((r) => r.id === id);
    const view = containerView(spec, idx, id);
    // The row has the port an entrypoint may have moved the app to (a config change); the label the first.
    Object.assign(view, {
      port: row?.port || Number(labelOf(c.Labels, "port")),
      restarts: row?.restarts ?? 0,
      startedAt: row?.started_at ?? null,
      health: row?.health ?? "unknown",
    });
    const inst = trackContainer(deps, run, view, c.Id);
    if (c.State === "running") counts.adopted++;
    else {
      await docker.getContainer(c.Id).start();
      counts.started++;
    }
    await observeContainer(run, inst);
  }
  // Slots beyond the deployment's count (none, unless the spec changed) are not ours to keep.
  for (const c of found)
    if (Number(labelOf(c.Labels, "idx")) >= spec.count)
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
  return counts;
}
