import { BuildParamsSchema, DeployParamsSchema, ReleaseParamsSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { resultFromJson } from "../jobs/job-rows.js";
import type { Engine } from "../lifecycle/engine.js";
import type { ServerContext } from "../server-context.js";
import type { JobTable } from "../store/schema.js";

/** A build of a commit of an app's git source, and what follows it. */
export interface ShipCommitInput {
  project: string;
  app: string;
  /** Branch or tag; empty: the source's tracked ref. */
  ref: string;
  /** The commit (a webhook's pushed SHA); empty: the ref's newest commit. */
  sha: string;
  /** "remote" (a user asked) or "webhook" (a forge pushed): shown on the build and deployment. */
  trigger: "remote" | "webhook";
  actor: { tokenId: string; name: string };
  /** Release the deployment once healthy. */
  release: boolean;
  /** Why, for the release's reason ("push of 1a2b3c4 to main"). */
  reason: string;
}

/**
 * Queues the build (on the built-in runner) and returns its job at once; the deploy and, when asked, the
 * release follow on the server, each as its own job, so the history and job logs read as for `berth up`.
 * A step that fails ends the chain (its job records why).
 */
export async function shipCommit(
  ctx: ServerContext,
  engine: Engine,
  input: ShipCommitInput,
): Promise<JobTable> {
  const { project, app, actor, trigger } = input;
  const build = await engine.queue.queue({
    kind: "build",
    project,
    app,
    git: { sha: input.sha, branch: input.ref },
    targetRunnerId: "builtin",
    params: {
      case: "build",
      value: create(BuildParamsSchema, { source: { ref: input.ref, sha: input.sha } }),
    },
    actor,
    trigger,
  });
  void (async () => {
    const built = await jobEnd(engine, build.id, ctx.shutdownSignal);
    const buildId = resultFromJson(built.result_json).buildId;
    if (built.state !== "success" || !buildId) return;
    const deploy = await engine.queue.queue({
      kind: "deploy",
      project,
      app,
      params: { case: "deploy", value: create(DeployParamsSchema, { buildId }) },
      actor,
      trigger,
    });
    const deployed = await jobEnd(engine, deploy.id, ctx.shutdownSignal);
    const deploymentId = resultFromJson(deployed.result_json).deploymentId;
    if (!input.release || deployed.state !== "success" || !deploymentId) return;
    await engine.queue.queue({
      kind: "release",
      project,
      app,
      params: {
        case: "release",
        value: create(ReleaseParamsSchema, { deploymentId, reason: input.reason }),
      },
      actor,
      trigger,
    });
  })().catch((err: unknown) =>
    ctx.logger.warn({ err, project, app, job: build.id }, "deploying a commit from git stopped"),
  );
  return build;
}

/** The job once it has ended (or as it is when the server stops). */
export async function jobEnd(engine: Engine, jobId: string, signal: AbortSignal): Promise<JobTable> {
  for await (const _ of engine.queue.follow(jobId, 0n, signal)) {
    // Events are the job's output; only its end matters here.
  }
  return engine.queue.get(jobId);
}
