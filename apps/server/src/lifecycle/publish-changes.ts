import { InstanceSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { toApplicationProtos } from "../catalog/application-protos.js";
import { getApplicationById } from "../catalog/projects.js";
import { healthStateFromRow, instanceStateFromRow } from "../catalog/statuses.js";
import { parseReleaseTargets } from "../catalog/to-proto.js";
import { urlOptionsOf } from "../catalog/urls.js";
import { entrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import { getBuildRow, getDeploymentRow, getReleaseRow } from "../history/get-history.js";
import { buildProto, deploymentProto, releaseProto } from "../history/history-protos.js";
import type { InstanceView } from "../platforms/platform.js";
import type { ServerContext } from "../server-context.js";

/** Publishes a deployment's current row on the event bus (for live views). */
export async function publishDeployment(ctx: ServerContext, deploymentId: string): Promise<void> {
  const d = await deploymentProto(
    ctx.store.db,
    await getDeploymentRow(ctx.store.db, deploymentId),
    urlOptionsOf(ctx),
  );
  ctx.events.publish({ project: d.project, app: d.app, event: { case: "deployment", value: d } });
}

export async function publishBuild(ctx: ServerContext, buildId: string): Promise<void> {
  const b = await buildProto(ctx.store.db, await getBuildRow(ctx.store.db, buildId));
  ctx.events.publish({ project: b.project, app: b.app, event: { case: "build", value: b } });
}

/** Publishes an application's current row (its release, or that it was deleted). */
export async function publishApplication(ctx: ServerContext, appId: string): Promise<void> {
  const app = await getApplicationById(ctx.store.db, appId);
  const [application] = await toApplicationProtos(ctx.store.db, [app], urlOptionsOf(ctx));
  if (application)
    ctx.events.publish({
      project: app.project,
      app: app.name,
      event: { case: "application", value: application },
    });
}

/** Publishes a release and the app (whose released deployment changed). */
export async function publishRelease(ctx: ServerContext, releaseId: string): Promise<void> {
  const db = ctx.store.db;
  const row = await getReleaseRow(db, releaseId);
  const r = await releaseProto(db, row, urlOptionsOf(ctx));
  ctx.events.publish({ project: r.project, app: r.app, event: { case: "release", value: r } });
  await publishApplication(ctx, row.app_id);
  // The deployments whose `released` flag flipped: this release's targets and the previous release's.
  const previous = await db
    .selectFrom("releases")
    .select("targets_json")
    .where("app_id", "=", row.app_id)
    .where("seq", "<", row.seq)
    .orderBy("seq", "desc")
    .executeTakeFirst();
  const ids = new Set(
    [row.targets_json, previous?.targets_json ?? "[]"].flatMap((json) =>
      parseReleaseTargets(json).map((t) => t.deploymentId),
    ),
  );
  for (const id of ids)
    await publishDeployment(ctx, id).catch((err) =>
      ctx.logger.warn({ err, deploymentId: id }, "publishing a deployment's released flag failed"),
    );
}

/**
 * Publishes an instance as the platform sees it now. An instance event replaces the whole instance in live views,
 * so it also carries what only the entrypoint knows: whether it is connected and the config revision it runs
 * (from its last report, else the stored one). Without them a health change would show a restarted instance as
 * disconnected and back on an old revision.
 */
export async function publishInstance(
  ctx: ServerContext,
  names: { project: string; app: string },
  v: InstanceView,
): Promise<void> {
  const session = entrypointRuntime(ctx).sessions.get(v.id);
  const configRevision =
    session?.report?.configRevision ??
    (
      await ctx.store.db
        .selectFrom("instances")
        .select("config_revision")
        .where("id", "=", v.id)
        .executeTakeFirst()
    )?.config_revision ??
    0;
  const value = create(InstanceSchema, {
    id: v.id,
    deploymentId: v.deploymentId,
    state: instanceStateFromRow(v.state),
    health: healthStateFromRow(v.health),
    port: v.port,
    pid: v.pid,
    restarts: v.restarts,
    startedAt: v.startedAt ? timestampFromMs(v.startedAt) : undefined,
    configRevision,
    connected: session !== undefined,
    configError: session?.report?.configError ?? "",
    lastHealthError: v.lastHealthError,
    lastHealthAt: timestampFromMs(Date.now()),
    nativeId: v.nativeId ?? "",
  });
  ctx.events.publish({ ...names, event: { case: "instance", value } });
}
