import type { JobService } from "@berth/proto";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { getCaller } from "../auth/caller.js";
import { requireAppRef } from "../catalog/app-ref.js";
import { getApplication } from "../catalog/projects.js";
import { gitSourceOf } from "../git/git-source.js";
import { recordCommits } from "../history/commit-history.js";
import { jobStateNames, nameOf, toJobProto } from "../jobs/job-rows.js";
import { listJobRows } from "../jobs/list-jobs.js";
import { builtinRunnerIdOf, engineOf } from "../lifecycle/engine.js";
import type { ServerContext } from "../server-context.js";

const kindNames = ["", "build", "deploy", "release", "up", "destroy"] as const;

/** Refuses a build from git for an app whose berth.hcl names no (usable) git source. */
async function requireGitSource(ctx: ServerContext, project: string, app: string): Promise<void> {
  const row = await getApplication(ctx.store.db, project, app);
  let source: ReturnType<typeof gitSourceOf>;
  try {
    source = gitSourceOf(row.config_json);
  } catch (err) {
    throw new ConnectError((err as Error).message, Code.FailedPrecondition);
  }
  if (!source)
    throw new ConnectError(
      `app "${app}" names no git source; add source { git { url = "…" } } to its berth.hcl`,
      Code.FailedPrecondition,
    );
}

/** berth.v1.JobService: queue jobs, read them, follow their output. */
export function createJobService(ctx: ServerContext): ServiceImpl<typeof JobService> {
  const engine = () => engineOf(ctx);
  return {
    async queueJob(req, hctx) {
      const { project, app } = requireAppRef(req.app);
      await getApplication(ctx.store.db, project, app);
      const kind = kindNames[req.kind];
      if (!kind) throw new ConnectError(`job kind ${req.kind} is unknown`, Code.InvalidArgument);
      if (kind === "up")
        throw new ConnectError(
          "queue build, deploy and release jobs; up is a CLI sequence",
          Code.InvalidArgument,
        );
      if (req.params.case !== undefined && req.params.case !== kind)
        throw new ConnectError(
          `a ${kind} job takes ${kind} params, not ${req.params.case}`,
          Code.InvalidArgument,
        );
      // A build of the app's git source runs on the built-in runner (`berth up --remote`).
      const fromGit = req.params.case === "build" && req.params.value.source !== undefined;
      if (fromGit) await requireGitSource(ctx, project, app);
      if (
        kind === "build" &&
        !fromGit &&
        !req.targetRunnerId &&
        !(await engine().hub.list()).some((r) => r.online && r.kind === "agent")
      )
        throw new ConnectError(
          "no runner agent is connected to build this job; run the build from the CLI (berth build)",
          Code.FailedPrecondition,
        );
      if ((kind !== "build" || fromGit) && !engine().hub.isConnected(builtinRunnerIdOf(ctx)))
        throw new ConnectError(
          `${kind} jobs run on the server's built-in runner, which this server does not run (builtinRunner is off)`,
          Code.FailedPrecondition,
        );
      await recordCommits(ctx.store.db, project, req.ancestry);
      const caller = getCaller(hctx);
      const row = await engine().queue.queue({
        kind,
        project,
        app,
        git: req.git,
        targetRunnerId: fromGit ? "builtin" : req.targetRunnerId,
        params: req.params as never,
        actor: { tokenId: caller.tokenId, name: caller.name },
        trigger: fromGit ? "remote" : "",
      });
      return { job: toJobProto(row) };
    },
    async getJob(req) {
      return { job: toJobProto(await engine().queue.get(req.id)) };
    },
    async listJobs(req) {
      const page = await listJobRows(ctx.store.db, {
        project: req.app?.project,
        app: req.app?.app,
        states: req.states.map((s) => nameOf(jobStateNames, s)),
        pageSize: req.pageSize,
        pageToken: req.pageToken,
      });
      return { jobs: page.rows.map(toJobProto), nextPageToken: page.nextPageToken };
    },
    async cancelJob(req) {
      const job = await engine().queue.get(req.id);
      if (job.state !== "queued" && job.state !== "running")
        throw new ConnectError(`job ${req.id} already ended (${job.state})`, Code.FailedPrecondition);
      engine().hub.cancel(job.id);
      return {
        job: toJobProto(await engine().queue.finish(job.id, { state: "cancelled", error: "cancelled" })),
      };
    },
    async *getJobStream(req, hctx) {
      // A server stop ends the follow at once: the reader resumes from its last seq on another connection.
      const signal = AbortSignal.any([hctx.signal, ctx.shutdownSignal]);
      for await (const batch of engine().queue.follow(req.id, req.afterSeq, signal))
        yield { job: toJobProto(batch.job), events: batch.events };
    },
  };
}
