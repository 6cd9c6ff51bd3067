import type { JobResult } from "@berth/proto";
import { appUrl, urlOptionsOf } from "../catalog/urls.js";
import { buildFromGit } from "../git/git-build.js";
import { paramsFromJson } from "../jobs/job-rows.js";
import type { JobExecutor } from "../runners/builtin-runner.js";
import type { ServerContext } from "../server-context.js";
import { applyRetentionQuietly } from "./apply-retention.js";
import { deployBuild } from "./deploy-build.js";
import { destroyDeployment } from "./destroy-deployment.js";
import type { Engine } from "./engine.js";
import { releaseDeployment } from "./release-deployment.js";

/** What the built-in runner does for each job kind. */
export function jobExecutors(ctx: ServerContext, engine: Engine): Record<string, JobExecutor> {
  const actorOf = (job: { actor_token_id: string; actor_name: string }) => ({
    tokenId: job.actor_token_id,
    name: job.actor_name,
  });
  return {
    // Only builds of a git source are targeted at the built-in runner; working trees build on CLIs and agents.
    build: (job, reporter, signal) => buildFromGit(ctx, engine.artifacts, job, reporter, signal),
    deploy: (job, reporter, signal) => deployBuild(ctx, engine, job, reporter, signal),
    async release(job, reporter) {
      const params = paramsFromJson(job.params_json);
      const p = params.case === "release" ? params.value : undefined;
      reporter.step("release", `Release ${p?.seq ? `v${p.seq}` : p?.deploymentId}`);
      const row = await releaseDeployment(ctx, {
        project: job.project,
        app: job.app,
        seq: p?.seq,
        deploymentId: p?.deploymentId || undefined,
        canaryPercent: p?.canaryPercent,
        force: p?.force,
        reason: p?.reason,
        actor: actorOf(job),
      });
      // The deployment this one replaced may now be beyond the app's retention.
      await applyRetentionQuietly(ctx, engine, row.app_id);
      const url = appUrl(job.project, job.app, urlOptionsOf(ctx));
      reporter.stepDone("release", `release #${row.seq} → ${url}`);
      return { releaseId: row.id, appUrl: url } satisfies Partial<JobResult>;
    },
    async destroy(job, reporter) {
      const params = paramsFromJson(job.params_json);
      const id = params.case === "destroy" ? params.value.deploymentId : "";
      reporter.step("destroy", "Stop instances");
      const row = await destroyDeployment(ctx, engine, { deploymentId: id, actor: actorOf(job) });
      reporter.stepDone("destroy", `v${row.seq} destroyed`);
      return { deploymentId: row.id };
    },
  };
}
