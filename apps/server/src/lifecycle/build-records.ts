import { JobEventSchema } from "@berth/proto";
import { fromBinary } from "@bufbuild/protobuf";
import { getApplication } from "../catalog/projects.js";
import type { StoredTiming } from "../catalog/stored-timings.js";
import { toGitInfoProto } from "../catalog/to-proto.js";
import { insertBuild } from "../history/insert-history.js";
import type { JobHooks } from "../jobs/job-queue.js";
import { appendLifecycleEvent, withLifecycleEvent } from "../lifecycle-log/lifecycle-event.js";
import type { ArtifactStore } from "../registry/artifact-store.js";
import type { ServerContext } from "../server-context.js";
import type { BuildTable } from "../store/schema.js";
import { publishBuild } from "./publish-changes.js";

/** The finished steps of a job (copy, cache, command, pack, push) as phase timings, from its stored events. */
async function stepTimings(ctx: ServerContext, jobId: string): Promise<StoredTiming[]> {
  const rows = await ctx.store.db
    .selectFrom("job_events")
    .select(["time", "event"])
    .where("job_id", "=", jobId)
    .orderBy("seq")
    .execute();
  const out: StoredTiming[] = [];
  for (const row of rows) {
    const ev = fromBinary(JobEventSchema, row.event);
    if (ev.event.case !== "stepFinished") continue;
    const { step, durationMs } = ev.event.value;
    out.push({ phase: step, startedAt: row.time - durationMs, durationMs });
  }
  return out;
}

/** Build jobs leave a build record: created when a runner takes the job, completed with its artifact. */
export function buildRecordHooks(ctx: ServerContext, artifacts: ArtifactStore): JobHooks {
  const db = ctx.store.db;
  return {
    async started(job) {
      const app = await getApplication(db, job.project, job.app);
      const build = await withLifecycleEvent(
        db,
        (b: BuildTable) => ({
          kind: "build.started",
          project: job.project,
          appId: app.id,
          time: b.created_at,
          actor: { tokenId: job.actor_token_id, name: job.actor_name },
          gitSha: b.git_sha,
          buildId: b.id,
          jobId: job.id,
        }),
        (trx) =>
          insertBuild(trx, {
            appId: app.id,
            status: "running",
            git: toGitInfoProto(job),
            builder: "archive",
            jobId: job.id,
            trigger: job.trigger,
            triggeredBy: job.trigger ? job.actor_name : "",
          }),
      );
      await publishBuild(ctx, build.id);
      return { buildId: build.id };
    },
    async finished(job, outcome) {
      const buildId = outcome.result?.buildId;
      if (!buildId) return undefined;
      let error = outcome.error ?? "";
      const digest = outcome.result?.artifactDigest ?? "";
      if (!error && outcome.state === "success") {
        const stored = digest ? await artifacts.has(digest) : { present: false, sizeBytes: 0 };
        if (!stored.present)
          error = `the runner reported artifact "${digest}" but it was never pushed to the server`;
      }
      const now = Date.now();
      const status = error || outcome.state !== "success" ? "failed" : "success";
      const timings = JSON.stringify(await stepTimings(ctx, job.id));
      await db.transaction().execute(async (trx) => {
        const build = await trx
          .selectFrom("builds")
          .select("app_id")
          .where("id", "=", buildId)
          .executeTakeFirst();
        const event = {
          project: job.project,
          appId: build?.app_id ?? null,
          time: now,
          actor: { tokenId: job.actor_token_id, name: job.actor_name },
          gitSha: job.git_sha,
          buildId,
          jobId: job.id,
        };
        await trx
          .updateTable("builds")
          .set({
            status,
            artifact_digest: digest || null,
            artifact_size: Number(outcome.result?.artifactSizeBytes ?? 0n) || null,
            finished_at: now,
            error: error || (outcome.state === "cancelled" ? "cancelled" : ""),
            timings_json: timings,
          })
          .where("id", "=", buildId)
          .execute();
        if (status === "success") {
          await appendLifecycleEvent(trx, {
            ...event,
            kind: "artifact.pushed",
            details: { digest, sizeBytes: Number(outcome.result?.artifactSizeBytes ?? 0n) },
          });
          await appendLifecycleEvent(trx, { ...event, kind: "build.succeeded" });
        } else
          await appendLifecycleEvent(trx, {
            ...event,
            kind: "build.failed",
            reason: error || outcome.error || (outcome.state === "cancelled" ? "cancelled" : ""),
          });
      });
      await publishBuild(ctx, buildId);
      if (error && !outcome.error) throw new Error(error);
      return undefined;
    },
  };
}
