import type Docker from "dockerode";
import type { Kysely } from "kysely";
import type { Database } from "../../store/schema.js";
import { labelOf } from "./container-settings.js";

/**
 * Removes the containers of deployments this server destroyed (while it was down, or before a crash finished the
 * job). Only deployments this server's store knows as destroyed: the engine may be shared with other servers,
 * whose containers are not ours to judge. Returns how many containers went.
 */
export async function sweepOrphans(docker: Docker, db: Kysely<Database>): Promise<number> {
  const containers = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: ["berth.deployment"] }),
  });
  const ids = [...new Set(containers.map((c) => labelOf(c.Labels, "deployment")))].filter(Boolean);
  if (ids.length === 0) return 0;
  const destroyed = new Set(
    (
      await db
        .selectFrom("deployments")
        .select("id")
        .where("id", "in", ids)
        .where("status", "=", "destroyed")
        .execute()
    ).map((r) => r.id),
  );
  const orphans = containers.filter((c) => destroyed.has(labelOf(c.Labels, "deployment")));
  await Promise.all(orphans.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  return orphans.length;
}
