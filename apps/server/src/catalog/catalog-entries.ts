// The app catalog: every app across projects with its released version, health, instances and last deploy,
// read in five queries whatever the number of apps (never one query per app).
import { type CatalogEntry, CatalogEntrySchema, DeploymentStatus } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { releasedDeployments } from "./projects.js";
import { deploymentStatusFromRow } from "./statuses.js";
import { optionalTimestamp, toApplicationProto, toGitInfoProto } from "./to-proto.js";
import type { UrlOptions } from "./urls.js";

/** Every live app of every live project, by project then name, as the catalog shows it. */
export async function listCatalogEntries(db: Kysely<Database>, urls: UrlOptions): Promise<CatalogEntry[]> {
  // Each app's newest deployment through the (app_id, seq) unique index: one seek per app, in one statement.
  const apps = await db
    .selectFrom("applications as a")
    .innerJoin("projects as p", "p.name", "a.project")
    .selectAll("a")
    .select((eb) =>
      eb
        .selectFrom("deployments as d")
        .select("d.id")
        .whereRef("d.app_id", "=", "a.id")
        .orderBy("d.seq", "desc")
        .limit(1)
        .as("last_deployment_id"),
    )
    .where("a.deleted_at", "is", null)
    .where("p.deleted_at", "is", null)
    .orderBy("a.project")
    .orderBy("a.name")
    .execute();
  if (apps.length === 0) return [];
  const released = await releasedDeployments(db, apps);
  const targetIds = [...new Set([...released.values()].flatMap((r) => r.targetIds))];
  const deploymentIds = [
    ...new Set([...targetIds, ...apps.map((a) => a.last_deployment_id).filter((id): id is string => !!id)]),
  ];
  const [deployments, instances] = await Promise.all([
    deploymentIds.length === 0
      ? []
      : db
          .selectFrom("deployments as d")
          .leftJoin("jobs as j", "j.id", "d.job_id")
          .select([
            "d.id",
            "d.seq",
            "d.status",
            "d.created_at",
            "d.git_sha",
            "d.git_branch",
            "d.git_author",
            "d.git_message",
            "d.git_commit_time",
            "d.git_dirty",
            "j.actor_name",
          ])
          .where("d.id", "in", deploymentIds)
          .execute(),
    targetIds.length === 0
      ? []
      : db
          .selectFrom("instances")
          .select(["deployment_id", "state", "health"])
          .select((eb) => eb.fn.countAll<number | string>().as("n"))
          .where("deployment_id", "in", targetIds)
          .groupBy(["deployment_id", "state", "health"])
          .execute(),
  ]);
  const byId = new Map(deployments.map((d) => [d.id, d]));
  const counts = new Map<string, { running: number; healthy: number }>();
  for (const i of instances) {
    if (i.state !== "running") continue;
    const c = counts.get(i.deployment_id) ?? { running: 0, healthy: 0 };
    const n = Number(i.n);
    c.running += n;
    if (i.health === "healthy") c.healthy += n;
    counts.set(i.deployment_id, c);
  }
  return apps.map((app) => {
    const r = released.get(app.id);
    const primary = r ? byId.get(r.deploymentId) : undefined;
    const last = app.last_deployment_id ? byId.get(app.last_deployment_id) : undefined;
    const totals = (r?.targetIds ?? []).reduce(
      (sum, id) => {
        const c = counts.get(id);
        return { running: sum.running + (c?.running ?? 0), healthy: sum.healthy + (c?.healthy ?? 0) };
      },
      { running: 0, healthy: 0 },
    );
    return create(CatalogEntrySchema, {
      application: toApplicationProto(app, r, urls),
      releasedStatus: primary ? deploymentStatusFromRow(primary.status) : DeploymentStatus.UNSPECIFIED,
      releasedGit: primary ? toGitInfoProto(primary) : undefined,
      runningInstances: totals.running,
      healthyInstances: totals.healthy,
      lastDeploySeq: last?.seq ?? 0,
      lastDeployAt: optionalTimestamp(last?.created_at),
      lastDeployBy: last?.actor_name ?? "",
      lastDeployStatus: last ? deploymentStatusFromRow(last.status) : DeploymentStatus.UNSPECIFIED,
    });
  });
}
