import { StepStatus } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import { getApplication } from "../catalog/projects.js";
import { parseTimings } from "../catalog/stored-timings.js";
import { toGitInfoProto } from "../catalog/to-proto.js";
import { deploymentUrl, urlOptionsOf } from "../catalog/urls.js";
import { effectiveConfig } from "../config/effective-config.js";
import { getBuildRow } from "../history/get-history.js";
import { insertDeployment } from "../history/insert-history.js";
import type { JobReporter } from "../jobs/job-events.js";
import { paramsFromJson } from "../jobs/job-rows.js";
import {
  type LifecycleEventInput,
  type LifecycleKind,
  withLifecycleEvent,
} from "../lifecycle-log/lifecycle-event.js";
import { routesSettled } from "../route-feed/routes-settled.js";
import type { ServerContext } from "../server-context.js";
import type { BuildTable, DeploymentTable, JobTable } from "../store/schema.js";
import { applyRetentionQuietly } from "./apply-retention.js";
import { exitsOf } from "./crash-loop.js";
import { platformSpec, specFromAppConfig } from "./deployment-spec.js";
import type { Engine } from "./engine.js";
import { JobFailure } from "./job-failure.js";
import { lastLogLines } from "./last-log-lines.js";
import { deploymentPhases } from "./phase-timings.js";
import { publishDeployment } from "./publish-changes.js";
import { stopInstancesForGood } from "./stop-instances.js";
import { type HealthWait, waitHealthy } from "./wait-healthy.js";

async function buildToDeploy(ctx: ServerContext, appId: string, buildId: string): Promise<BuildTable> {
  if (buildId) return getBuildRow(ctx.store.db, buildId);
  const latest = await ctx.store.db
    .selectFrom("builds")
    .selectAll()
    .where("app_id", "=", appId)
    .where("status", "=", "success")
    .orderBy("seq", "desc")
    .executeTakeFirst();
  if (!latest)
    throw new ConnectError(
      "the app has no successful build to deploy; run berth build",
      Code.FailedPrecondition,
    );
  return latest;
}

/**
 * Why a deployment did not turn healthy: a one-line summary (the job's step) and the full reason (the job's
 * failure, the deployment's error and the lifecycle log), which adds a crash-looping instance's last log lines.
 */
async function unhealthyReason(
  ctx: ServerContext,
  engine: Engine,
  deploymentId: string,
  startTimeoutMs: number,
  wait: HealthWait,
): Promise<{ summary: string; full: string }> {
  if (wait.outcome === "crash-loop") {
    const { instance } = wait;
    const code = instance.exitCode === undefined ? "" : ` (exit code ${instance.exitCode})`;
    const summary = `instance ${instance.idx} exited ${exitsOf(instance)} times without ever becoming healthy${code}`;
    const lines = await lastLogLines(ctx, engine.platform, instance);
    const full =
      lines.length > 0
        ? `${summary}; its last log lines:\n${lines.map((l) => `    ${l}`).join("\n")}`
        : `${summary}; it logged nothing`;
    return { summary, full };
  }
  const last =
    engine.platform
      .instances(deploymentId)
      .map((i) => i.lastHealthError)
      .find(Boolean) ?? "no healthy answer";
  const summary = `health check did not pass within ${Math.round(startTimeoutMs / 1000)}s: ${last}`;
  return { summary, full: summary };
}

/**
 * The deploy job: a new deployment vN of a build, its instances started on the platform and gated on
 * health. Never touches other deployments. Fails (leaving vN unhealthy) when health never passes, or at once
 * when an instance keeps exiting before it was ever healthy (naming its exit code and last log lines).
 */
export async function deployBuild(
  ctx: ServerContext,
  engine: Engine,
  job: JobTable,
  reporter: JobReporter,
  signal: AbortSignal,
) {
  const db = ctx.store.db;
  const params = paramsFromJson(job.params_json);
  const p = params.case === "deploy" ? params.value : undefined;
  const app = await getApplication(db, job.project, job.app);
  const build = await buildToDeploy(ctx, app.id, p?.buildId ?? "");
  if (build.app_id !== app.id) throw new Error(`build ${build.id} belongs to another app`);
  if (build.status !== "success" || !build.artifact_digest)
    throw new Error(`build v${build.seq} has no artifact (status ${build.status})`);
  const stored = specFromAppConfig(p?.configJson || app.config_json);
  const config = await effectiveConfig(db, job.project, job.app);
  const actor = { tokenId: job.actor_token_id, name: job.actor_name };
  const eventOf = (d: DeploymentTable, kind: LifecycleKind, reason = ""): LifecycleEventInput => ({
    kind,
    project: job.project,
    appId: app.id,
    actor,
    reason,
    gitSha: d.git_sha,
    buildId: d.build_id,
    deploymentId: d.id,
    jobId: job.id,
    configRevision: d.config_revision,
  });
  const row = await withLifecycleEvent(
    db,
    (d: DeploymentTable) => ({ ...eventOf(d, "deployment.created"), time: d.created_at }),
    (trx) =>
      insertDeployment(trx, {
        appId: app.id,
        status: "deploying",
        git: toGitInfoProto(build),
        buildId: build.id,
        artifactDigest: build.artifact_digest ?? undefined,
        artifactSize: build.artifact_size ?? 0,
        platform: stored.platform ?? "process",
        instanceCount: stored.count,
        spec: stored,
        configRevision: config.revision,
        jobId: job.id,
        replicaId: ctx.replicaId,
        trigger: build.trigger,
        triggeredBy: build.triggered_by,
      }),
  );
  const url = deploymentUrl(job.project, job.app, row.seq, urlOptionsOf(ctx));
  const result = { deploymentId: row.id, deploymentUrl: url, buildId: build.id };
  await publishDeployment(ctx, row.id);

  const started = Date.now();
  reporter.step("deploy", `Deploy v${row.seq} (${stored.count} × ${stored.command})`);
  const spec = platformSpec(
    row,
    { project: job.project, app: job.app },
    engine.artifacts.pathOf(build.artifact_digest),
  );
  try {
    await engine.platform.deploy(spec, signal);
  } catch (err) {
    const message = `starting v${row.seq} failed: ${(err as Error).message}`;
    await withLifecycleEvent(db, eventOf(row, "deployment.failed", message), (trx) =>
      trx
        .updateTable("deployments")
        .set({ status: "failed", error: message, finished_at: Date.now() })
        .where("id", "=", row.id)
        .execute(),
    );
    await publishDeployment(ctx, row.id);
    throw new JobFailure(message, result);
  }
  reporter.stepDone("deploy", `${stored.count} instance(s) started`);

  const healthStarted = Date.now();
  const check = stored.health.path ? `GET ${stored.health.path}` : "TCP connect";
  reporter.step("health", `Wait for health checks (${check})`);
  const startTimeoutMs = stored.health.startTimeoutMs ?? 30_000;
  const wait = await waitHealthy(engine.platform, row.id, startTimeoutMs, signal);
  const healthy = wait.outcome === "healthy";
  const timings = deploymentPhases(parseTimings(build.timings_json), [
    { phase: "deploy", startedAt: started, durationMs: healthStarted - started },
    { phase: "health", startedAt: healthStarted, durationMs: Date.now() - healthStarted },
  ]);
  if (wait.outcome === "cancelled") {
    // A cancelled deploy leaves nothing running: its instances stop and it is recorded as failed.
    await stopInstancesForGood(ctx, engine, row.id);
    await withLifecycleEvent(db, eventOf(row, "deployment.failed", "the deploy was cancelled"), (trx) =>
      trx
        .updateTable("deployments")
        .set({ status: "failed", error: "the deploy was cancelled", finished_at: Date.now() })
        .where("id", "=", row.id)
        .execute(),
    );
    await publishDeployment(ctx, row.id);
    throw new JobFailure(`v${row.seq} was cancelled`, result);
  }
  if (!healthy) {
    const { summary, full: why } = await unhealthyReason(ctx, engine, row.id, startTimeoutMs, wait);
    // Only from deploying: an app deleted meanwhile destroyed it, and that must stay so.
    await withLifecycleEvent(
      db,
      (r: { numUpdatedRows: bigint }) =>
        r.numUpdatedRows > 0n ? eventOf(row, "deployment.unhealthy", why) : undefined,
      (trx) =>
        trx
          .updateTable("deployments")
          .set({
            status: "unhealthy",
            error: why,
            finished_at: Date.now(),
            timings_json: JSON.stringify(timings),
          })
          .where("id", "=", row.id)
          .where("status", "=", "deploying")
          .executeTakeFirst(),
    );
    await publishDeployment(ctx, row.id);
    reporter.stepDone("health", summary, StepStatus.ERROR);
    await applyRetentionQuietly(ctx, engine, app.id, row.id);
    throw new JobFailure(`v${row.seq} is unhealthy: ${why}`, result);
  }
  await withLifecycleEvent(
    db,
    (r: { numUpdatedRows: bigint }) =>
      r.numUpdatedRows > 0n ? eventOf(row, "deployment.healthy") : undefined,
    (trx) =>
      trx
        .updateTable("deployments")
        .set({ status: "healthy", finished_at: Date.now(), timings_json: JSON.stringify(timings) })
        .where("id", "=", row.id)
        .where("status", "=", "deploying")
        .executeTakeFirst(),
  );
  await publishDeployment(ctx, row.id);
  // Its URL answers once the job says healthy: routers have been sent a table with its instances.
  await routesSettled(ctx);
  reporter.stepDone("health", `v${row.seq} healthy`);
  // An older unreleased deployment may now be beyond the app's retention (berth.hcl `retention`); this one is
  // spared even with keep_unreleased = 0, or `berth up` would find it destroyed when it releases it.
  await applyRetentionQuietly(ctx, engine, app.id, row.id);
  return result;
}
