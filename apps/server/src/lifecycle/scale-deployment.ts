import { Code, ConnectError } from "@connectrpc/connect";
import { recordAudit } from "../audit/record-audit.js";
import type { Caller } from "../auth/caller.js";
import { revokeDeploymentTokens } from "../auth/tokens.js";
import { getApplication } from "../catalog/projects.js";
import { parseReleaseTargets } from "../catalog/to-proto.js";
import { getDeploymentRow, getDeploymentRowBySeq } from "../history/get-history.js";
import { appendLifecycleEvent } from "../lifecycle-log/lifecycle-event.js";
import type { ServerContext } from "../server-context.js";
import type { DeploymentTable } from "../store/schema.js";
import { parseStoredSpec, platformSpec } from "./deployment-spec.js";
import type { Engine } from "./engine.js";
import { instanceTokenName } from "./instance-token.js";
import { publishDeployment } from "./publish-changes.js";

/** The most instances one deployment may have (berth.hcl `count` has the same bound). */
const maxInstanceCount = 100;

export interface ScaleInput {
  project: string;
  app: string;
  seq: number;
  count: number;
  actor?: Pick<Caller, "tokenId" | "name">;
}

/**
 * Changes how many instances a running deployment has, without a redeploy: the platform starts new ones in the
 * next slots or stops the highest, the stored spec keeps the count (a restarted server resumes with it), and the
 * change is logged (`deployment.scaled`) and audited. The released deployment may not go to zero.
 */
export async function scaleDeployment(
  ctx: ServerContext,
  engine: Engine,
  input: ScaleInput,
): Promise<DeploymentTable> {
  if (!Number.isInteger(input.count) || input.count < 0 || input.count > maxInstanceCount)
    throw new ConnectError(
      `count: must be a whole number from 0 to ${maxInstanceCount}, got ${input.count}`,
      Code.InvalidArgument,
    );
  const db = ctx.store.db;
  const app = await getApplication(db, input.project, input.app);
  const row = await getDeploymentRowBySeq(db, app, input.seq);
  const name = `${app.name} v${row.seq}`;
  if (row.status !== "healthy" && row.status !== "unhealthy")
    throw new ConnectError(
      `${name} is ${row.status}; only a running (healthy or unhealthy) deployment can be scaled`,
      Code.FailedPrecondition,
    );
  if (!row.artifact_digest)
    throw new ConnectError(`${name} has no artifact to start instances from`, Code.FailedPrecondition);
  const from = row.instance_count;
  if (input.count === from) return row;
  if (input.count === 0 && (await isReleased(ctx, app.current_release_id, row.id)))
    throw new ConnectError(
      `${name} is released: scaling it to 0 would take ${app.name}'s public URL down; release another deployment first`,
      Code.FailedPrecondition,
    );
  const stored = { ...parseStoredSpec(row.spec_json), count: input.count };
  const spec = platformSpec(
    { ...row, spec_json: JSON.stringify(stored) },
    { project: app.project, app: app.name },
    engine.artifacts.pathOf(row.artifact_digest),
  );
  const { platform } = engine;
  if (!platform.scale)
    throw new ConnectError("this server's platforms cannot change an instance count", Code.Unimplemented);
  // Claim the change first: of two scales at once (or a scale and a destroy), the later finds the row moved.
  const claimed = await db
    .updateTable("deployments")
    .set({ instance_count: input.count, spec_json: JSON.stringify(stored) })
    .where("id", "=", row.id)
    .where("instance_count", "=", from)
    .where("status", "in", ["healthy", "unhealthy"])
    .executeTakeFirst();
  if (claimed.numUpdatedRows === 0n)
    throw new ConnectError(
      `${name} changed while this scale was asked for (another scale, or a destroy); look at it again and retry`,
      Code.Aborted,
    );
  // The tokens of the slots a scale-down stops, taken now: a scale-up right after may mint new ones for them.
  const gone = Array.from({ length: Math.max(0, from - input.count) }, (_, i) =>
    instanceTokenName(spec, { idx: input.count + i }),
  );
  const goneTokens =
    gone.length === 0
      ? []
      : await db
          .selectFrom("tokens")
          .select("id")
          .where("kind", "=", "entrypoint")
          .where("deployment_id", "=", row.id)
          .where("name", "in", gone)
          .execute();
  try {
    await platform.scale(spec);
  } catch (err) {
    await db
      .updateTable("deployments")
      .set({ instance_count: from, spec_json: row.spec_json })
      .where("id", "=", row.id)
      .where("instance_count", "=", input.count)
      .execute();
    throw new ConnectError(
      `scaling ${name} failed: ${(err as Error).message}`,
      Code.FailedPrecondition,
      undefined,
      undefined,
      err,
    );
  }
  // Slots above the new count are gone: their entrypoint tokens go with them.
  await revokeDeploymentTokens(
    db,
    ctx.tokenStreams,
    row.id,
    goneTokens.map((t) => t.id),
  );
  // Logged once the platform has done it: the log never claims a scale that did not happen.
  await appendLifecycleEvent(db, {
    kind: "deployment.scaled",
    project: app.project,
    appId: app.id,
    actor: input.actor,
    gitSha: row.git_sha,
    buildId: row.build_id,
    deploymentId: row.id,
    details: { from, to: input.count },
  });
  await recordAudit(db, {
    actor: input.actor,
    action: "deployment.scale",
    project: app.project,
    app: app.name,
    target: row.id,
    details: { seq: row.seq, from, to: input.count },
  });
  await publishDeployment(ctx, row.id);
  return getDeploymentRow(db, row.id);
}

async function isReleased(
  ctx: ServerContext,
  releaseId: string | null,
  deploymentId: string,
): Promise<boolean> {
  if (!releaseId) return false;
  const current = await ctx.store.db
    .selectFrom("releases")
    .select("targets_json")
    .where("id", "=", releaseId)
    .executeTakeFirst();
  return !!current && parseReleaseTargets(current.targets_json).some((t) => t.deploymentId === deploymentId);
}
