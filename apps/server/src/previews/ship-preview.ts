import { BuildParamsSchema, DeployParamsSchema, ReleaseParamsSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { getApplication, upsertApplication } from "../catalog/projects.js";
import { appUrl, urlOptionsOf } from "../catalog/urls.js";
import { effectiveConfig } from "../config/effective-config.js";
import { jobEnd } from "../git/ship-commit.js";
import { resultFromJson } from "../jobs/job-rows.js";
import { destroyDeployment } from "../lifecycle/destroy-deployment.js";
import type { Engine } from "../lifecycle/engine.js";
import { publishApplication } from "../lifecycle/publish-changes.js";
import { appendLifecycleEvent } from "../lifecycle-log/lifecycle-event.js";
import type { ServerContext } from "../server-context.js";
import type { PreviewTable } from "../store/schema.js";
import { destroySuperseded } from "./close-preview.js";
import { type CommitStatus, postCommitStatus } from "./commit-status.js";
import { publishPreview } from "./preview-protos.js";
import { previewConfigJson, previewSettingsOf } from "./preview-settings.js";
import { advancePreview } from "./preview-store.js";

/** Who a preview's jobs are by, in the history: "github webhook". */
function actorOf(preview: PreviewTable) {
  return { tokenId: "", name: `${preview.forge} webhook` };
}

/**
 * Ships a preview's head commit: the preview app (made or updated from the app's config and the preview
 * overlay) builds it on the built-in runner, deploys it and releases it at `<app>--pr-<N>`; older deployments
 * of the preview go once the new one is live. Returns the build job at once; the rest follows in the
 * background and stops as soon as the PR is closed or moves to another commit. Each step's outcome is posted
 * to the forge as a commit status when the preview names an API to post it to.
 */
export async function shipPreview(
  ctx: ServerContext,
  engine: Engine,
  preview: PreviewTable,
  fullName: string,
): Promise<string> {
  const db = ctx.store.db;
  const base = await getApplication(db, preview.project, preview.app);
  const settings = previewSettingsOf(base.config_json);
  if (!settings) throw new Error(`app "${preview.app}" has no preview block`);
  const app = await upsertApplication(db, {
    project: preview.project,
    app: preview.preview_app,
    labels: { ...JSON.parse(base.labels_json || "{}"), preview: preview.app, pr: String(preview.number) },
    configJson: previewConfigJson(base.config_json, preview.branch, settings),
  });
  await publishApplication(ctx, app.id);
  await publishPreview(ctx, preview.id);
  const url = appUrl(preview.project, preview.preview_app, urlOptionsOf(ctx));
  const status = async (s: CommitStatus) => {
    if (!settings.status) return;
    try {
      const token = (await effectiveConfig(db, preview.project, preview.app)).env[settings.status.token];
      if (!token)
        throw new Error(`status_token "${settings.status.token}" names no config var of ${preview.app}`);
      await postCommitStatus({ apiUrl: settings.status.apiUrl, fullName, sha: preview.sha, token }, s);
    } catch (err) {
      ctx.logger.warn(
        { err, project: preview.project, app: preview.preview_app },
        "posting a commit status failed",
      );
    }
  };
  const actor = actorOf(preview);
  const common = { project: preview.project, app: preview.preview_app, actor, trigger: "webhook" as const };
  const build = await engine.queue.queue({
    ...common,
    kind: "build",
    git: { sha: preview.sha, branch: preview.branch },
    targetRunnerId: "builtin",
    params: {
      case: "build",
      value: create(BuildParamsSchema, { source: { ref: preview.branch, sha: preview.sha } }),
    },
  });
  await status({ state: "pending", targetUrl: url, description: `Building ${preview.sha.slice(0, 7)}` });

  const fail = async (what: string) => {
    if (await advancePreview(db, preview.id, preview.generation, { state: "failed", reason: what })) {
      await publishPreview(ctx, preview.id);
      await status({ state: "failure", targetUrl: url, description: what });
    }
  };
  void (async () => {
    const built = await jobEnd(engine, build.id, ctx.shutdownSignal);
    const buildId = resultFromJson(built.result_json).buildId;
    if (built.state !== "success" || !buildId) return fail(`build failed: ${built.error}`.slice(0, 500));
    if (!(await advancePreview(db, preview.id, preview.generation, {}))) return;
    const deploy = await engine.queue.queue({
      ...common,
      kind: "deploy",
      params: { case: "deploy", value: create(DeployParamsSchema, { buildId }) },
    });
    const deployed = await jobEnd(engine, deploy.id, ctx.shutdownSignal);
    const deploymentId = resultFromJson(deployed.result_json).deploymentId;
    if (deployed.state !== "success" || !deploymentId)
      return fail(`deploy failed: ${deployed.error}`.slice(0, 500));
    if (!(await advancePreview(db, preview.id, preview.generation, {})))
      return destroyDeployment(ctx, engine, { deploymentId, actor, reason: "its pull request moved on" });
    const release = await engine.queue.queue({
      ...common,
      kind: "release",
      params: {
        case: "release",
        value: create(ReleaseParamsSchema, {
          deploymentId,
          reason: `pull request #${preview.number} at ${preview.sha.slice(0, 7)}`,
        }),
      },
    });
    const released = await jobEnd(engine, release.id, ctx.shutdownSignal);
    if (released.state !== "success") return fail(`release failed: ${released.error}`.slice(0, 500));
    // Closed or pushed to meanwhile: the close (or the newer push) cleans up after this one.
    if (
      !(await advancePreview(db, preview.id, preview.generation, {
        state: "ready",
        deployment_id: deploymentId,
      }))
    )
      return;
    await destroySuperseded(ctx, engine, preview.project, preview.preview_app, deploymentId);
    await appendLifecycleEvent(db, {
      kind: "preview.ready",
      project: preview.project,
      appId: app.id,
      actor,
      gitSha: preview.sha,
      deploymentId,
      details: { url, app: preview.app, number: preview.number, branch: preview.branch },
    });
    await publishPreview(ctx, preview.id);
    await status({ state: "success", targetUrl: url, description: `Preview ready at ${url}` });
  })().catch((err: unknown) =>
    ctx.logger.warn(
      { err, project: preview.project, app: preview.preview_app },
      "shipping a preview stopped",
    ),
  );
  return build.id;
}
