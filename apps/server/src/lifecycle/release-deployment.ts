import { Code, ConnectError } from "@connectrpc/connect";
import { sql, type Transaction } from "kysely";
import { ulid } from "ulid";
import { recordAudit } from "../audit/record-audit.js";
import type { Caller } from "../auth/caller.js";
import { parseTimings } from "../catalog/stored-timings.js";
import { parseReleaseTargets, type StoredReleaseTarget } from "../catalog/to-proto.js";
import { recordRelease } from "../lifecycle-log/live-intervals.js";
import { routesSettled } from "../route-feed/routes-settled.js";
import type { ServerContext } from "../server-context.js";
import type { Database, DeploymentTable, ReleaseTable } from "../store/schema.js";
import { withReleasePhase } from "./phase-timings.js";
import { publishRelease } from "./publish-changes.js";
import { releaseTargets } from "./release-targets.js";

export interface ReleaseInput {
  project: string;
  app: string;
  /** vN, or the deployment id. */
  seq?: number;
  deploymentId?: string;
  canaryPercent?: number;
  /** An explicit split (a rollout step) instead of `canaryPercent`; it must include the deployment. */
  targets?: StoredReleaseTarget[];
  force?: boolean;
  reason?: string;
  actor?: Pick<Caller, "tokenId" | "name">;
  /** Set by rollback: the release being undone. */
  rollbackOf?: string;
}

/** Why a deployment may not be released, or undefined. `force` overrides health, never destruction. */
export function releaseRefusal(d: DeploymentTable, app: string, force: boolean): string | undefined {
  const name = `${app} v${d.seq}`;
  if (d.status === "destroyed") return `${name} is destroyed and cannot be released; deploy again`;
  if (d.status === "failed") return `${name} failed to start and cannot be released`;
  if (d.status !== "healthy" && !force)
    return `${name} is ${d.status}, not healthy; release refused (use --force to release it anyway)`;
  return undefined;
}

/**
 * Points the app's public URL at a deployment (or splits traffic for a canary). The release row and the app's
 * current release change in one transaction, so the router never sees half a release. On PostgreSQL the app's
 * release lock is taken first, without waiting: when another replica is releasing the same app at this moment,
 * this release is refused with Aborted rather than made on top of it (two releases for one moment of two clicks).
 */
export async function releaseDeployment(ctx: ServerContext, input: ReleaseInput): Promise<ReleaseTable> {
  const started = Date.now();
  // The same rule inside this process (SQLite has no advisory locks; its transactions just queue).
  const key = `${input.project}/${input.app}`;
  if (ctx.releasing.has(key)) throw releaseInProgress(input);
  ctx.releasing.add(key);
  const row = await ctx.store.db
    .transaction()
    .execute((trx) => releaseInTransaction(ctx, trx, input, started))
    .finally(() => ctx.releasing.delete(key));
  const targets = parseReleaseTargets(row.targets_json);
  await recordAudit(ctx.store.db, {
    actor: input.actor,
    action: input.rollbackOf ? "release.rollback" : "release.create",
    project: input.project,
    app: input.app,
    target: row.id,
    details: {
      seq: row.seq,
      targets,
      reason: row.reason,
      forced: row.forced === 1,
      rollbackOf: row.rollback_of,
    },
  });
  await publishRelease(ctx, row.id);
  await routesSettled(ctx);
  return row;
}

/** The release itself, inside the transaction: lock the app, check the deployment, write the release. */
async function releaseInTransaction(
  ctx: ServerContext,
  trx: Transaction<Database>,
  input: ReleaseInput,
  started: number,
): Promise<ReleaseTable> {
  if (ctx.store.dialect === "postgres") await takeReleaseLock(trx, input);
  const app = await trx
    .selectFrom("applications")
    .selectAll()
    .where("project", "=", input.project)
    .where("name", "=", input.app)
    // Builds and deployments numbering themselves lock the row for a moment: wait for them, as before.
    .$if(ctx.store.dialect === "postgres", (q) => q.forUpdate())
    .executeTakeFirst();
  if (!app)
    throw new ConnectError(
      `application "${input.app}" not found in project "${input.project}"`,
      Code.NotFound,
    );
  const dep = await trx
    .selectFrom("deployments")
    .selectAll()
    .$if(!!input.deploymentId, (q) => q.where("id", "=", input.deploymentId ?? ""))
    .$if(!input.deploymentId, (q) => q.where("app_id", "=", app.id).where("seq", "=", input.seq ?? 0))
    .executeTakeFirst();
  const what = input.deploymentId ? `deployment "${input.deploymentId}"` : `v${input.seq}`;
  if (!dep || dep.app_id !== app.id)
    throw new ConnectError(`${input.app} has no deployment ${what}`, Code.NotFound);
  const refusal = releaseRefusal(dep, input.app, !!input.force);
  if (refusal) throw new ConnectError(refusal, Code.FailedPrecondition);
  const current = app.current_release_id
    ? await trx.selectFrom("releases").selectAll().where("id", "=", app.current_release_id).executeTakeFirst()
    : undefined;
  const targets: StoredReleaseTarget[] =
    input.targets ??
    releaseTargets(
      current ? parseReleaseTargets(current.targets_json) : [],
      dep.id,
      input.canaryPercent ?? 0,
    );
  const last = await trx
    .selectFrom("releases")
    .select((eb) => eb.fn.max("seq").as("m"))
    .where("app_id", "=", app.id)
    .executeTakeFirst();
  const now = Date.now();
  const row: ReleaseTable = {
    id: ulid(now),
    app_id: app.id,
    seq: Number(last?.m ?? 0) + 1,
    targets_json: JSON.stringify(targets),
    actor_token_id: input.actor?.tokenId ?? "",
    actor_name: input.actor?.name ?? "server",
    reason: input.reason ?? "",
    rollback_of: input.rollbackOf ?? null,
    forced: input.force && dep.status !== "healthy" ? 1 : 0,
    created_at: now,
  };
  await trx.insertInto("releases").values(row).execute();
  await trx
    .updateTable("applications")
    .set({ current_release_id: row.id, updated_at: now })
    .where("id", "=", app.id)
    .execute();
  await recordRelease(
    trx,
    { appId: app.id, releaseId: row.id, releaseSeq: row.seq, time: now, targets },
    {
      kind: input.rollbackOf ? "rollback" : "release",
      project: input.project,
      appId: app.id,
      time: now,
      actor: { tokenId: row.actor_token_id, name: row.actor_name },
      reason: row.reason,
      gitSha: dep.git_sha,
      deploymentId: dep.id,
      releaseId: row.id,
      details: { seq: row.seq, targets, forced: row.forced === 1, rollbackOf: row.rollback_of },
    },
  );
  // The deployment's phase chart ends with its first release.
  await trx
    .updateTable("deployments")
    .set({ timings_json: JSON.stringify(withReleasePhase(parseTimings(dep.timings_json), started, now)) })
    .where("id", "=", dep.id)
    .execute();
  return row;
}

/**
 * The app's release lock (a transaction-scoped advisory lock, free again at commit or rollback). Held by another
 * transaction, another replica (or request) is releasing this app at this moment: refused with Aborted, since a
 * release made right after it would silently replace the one the other caller was just told about.
 */
async function takeReleaseLock(trx: Transaction<Database>, input: ReleaseInput): Promise<void> {
  const key = `berth.release:${input.project}/${input.app}`;
  const { rows } = await sql<{
    taken: boolean;
  }>`SELECT pg_try_advisory_xact_lock(hashtext(${key})) AS taken`.execute(trx);
  if (!rows[0]?.taken) throw releaseInProgress(input);
}

/** The refusal of a release made while another release of the same app is being made. */
function releaseInProgress(input: ReleaseInput): ConnectError {
  return new ConnectError(
    `another release of ${input.project}/${input.app} is being made at this moment (by another request or server ` +
      "replica); look at the app's current release, then try again",
    Code.Aborted,
  );
}

/** Releases the deployment that was released before the current one (skipping destroyed ones). */
export async function rollbackRelease(
  ctx: ServerContext,
  input: { project: string; app: string; reason?: string; actor?: Pick<Caller, "tokenId" | "name"> },
): Promise<ReleaseTable> {
  const db = ctx.store.db;
  const app = await db
    .selectFrom("applications")
    .selectAll()
    .where("project", "=", input.project)
    .where("name", "=", input.app)
    .executeTakeFirst();
  if (!app)
    throw new ConnectError(
      `application "${input.app}" not found in project "${input.project}"`,
      Code.NotFound,
    );
  const releases = await db
    .selectFrom("releases")
    .selectAll()
    .where("app_id", "=", app.id)
    .orderBy("seq", "desc")
    .limit(200)
    .execute();
  const current = releases.find((r) => r.id === app.current_release_id);
  if (!current)
    throw new ConnectError(
      `${input.app} has never been released; nothing to roll back`,
      Code.FailedPrecondition,
    );
  const primary = (r: ReleaseTable) =>
    [...parseReleaseTargets(r.targets_json)].sort((a, b) => b.weight - a.weight)[0]?.deploymentId;
  const currentPrimary = primary(current);
  for (const r of releases) {
    if (r.seq >= current.seq) continue;
    const target = primary(r);
    if (!target || target === currentPrimary) continue;
    const dep = await db.selectFrom("deployments").selectAll().where("id", "=", target).executeTakeFirst();
    if (!dep || dep.status === "destroyed" || dep.status === "failed") continue;
    return releaseDeployment(ctx, {
      project: input.project,
      app: input.app,
      deploymentId: dep.id,
      reason: input.reason,
      actor: input.actor,
      rollbackOf: current.id,
    });
  }
  throw new ConnectError(
    `${input.app} has no earlier released deployment that still runs; release a specific one with berth release vN`,
    Code.FailedPrecondition,
  );
}
