import { createReadStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { JobResult } from "@berth/proto";
import { ulid } from "ulid";
import { createArchiveBuilder } from "../builders/archive-builder.js";
import { getApplication } from "../catalog/projects.js";
import { effectiveConfig } from "../config/effective-config.js";
import type { JobReporter } from "../jobs/job-events.js";
import { paramsFromJson, resultFromJson } from "../jobs/job-rows.js";
import { publishBuild } from "../lifecycle/publish-changes.js";
import type { ArtifactStore } from "../registry/artifact-store.js";
import type { ServerContext } from "../server-context.js";
import type { JobTable } from "../store/schema.js";
import { checkUrlAllowed, credentialEnv, gitSourceOf } from "./git-source.js";
import { type CommitInfo, exportTree, readCommit, resolveCommit, syncMirror } from "./mirror-cache.js";
import { redactSecrets } from "./redact-secrets.js";

/**
 * A build job of an app's git source, on the server's built-in runner: fetch the repository into its mirror,
 * export the commit's tree, run the archive builder on it and store the artifact. The job and its build record
 * take the commit's provenance once it is known (a remote build of a branch learns its SHA only here).
 */
export async function buildFromGit(
  ctx: ServerContext,
  artifacts: ArtifactStore,
  job: JobTable,
  reporter: JobReporter,
  signal: AbortSignal,
): Promise<Partial<JobResult>> {
  const params = paramsFromJson(job.params_json);
  const wanted = params.case === "build" ? params.value.source : undefined;
  if (!wanted)
    throw new Error("the built-in runner builds only from a git source; run this build from the CLI");
  const app = await getApplication(ctx.store.db, job.project, job.app);
  const source = gitSourceOf(app.config_json);
  if (!source)
    throw new Error(
      `app "${job.app}" names no git source; add source { git { url = "…" } } to its berth.hcl`,
    );
  checkUrlAllowed(source.url);
  let secret: string | undefined;
  if (source.credentials) {
    secret = (await effectiveConfig(ctx.store.db, job.project, job.app)).env[source.credentials];
    if (!secret)
      throw new Error(
        `credentials = "${source.credentials}" names no config var of ${job.project}/${job.app}; set it with berth config set --secret ${source.credentials}=…`,
      );
  }
  const creds = credentialEnv(secret);
  const ref = wanted.ref || source.ref;
  let step = "fetch";
  const access = {
    env: creds.env,
    secrets: creds.secrets,
    signal,
    onLine: (line: string) => reporter.line(step, "stderr", line),
  };
  const shownUrl = redactSecrets(source.url, creds.secrets);

  reporter.step("fetch", `Fetch ${shownUrl} (${wanted.sha ? wanted.sha.slice(0, 12) : ref})`);
  const mirror = await syncMirror(join(ctx.options.dataDir, "git-mirrors"), source.url, access).catch(
    (err: Error) => {
      throw new Error(`fetching ${shownUrl} failed: ${redactSecrets(err.message, creds.secrets)}`);
    },
  );
  const sha = await resolveCommit(mirror, ref, wanted.sha, access);
  const commit = await readCommit(mirror, sha, access);
  const buildId = resultFromJson(job.result_json).buildId;
  await recordProvenance(ctx, job.id, buildId, commit, wanted.sha ? job.git_branch || ref : ref);
  reporter.stepDone("fetch", `${sha.slice(0, 12)} ${commit.message.split("\n")[0] ?? ""}`.trim());

  const sourceDir = join(ctx.options.dataDir, "build-work", `git-${ulid()}`);
  try {
    await exportTree(mirror, sha, source.path, sourceDir, access);
    const configJson = params.case === "build" ? params.value.configJson : "";
    const command = (JSON.parse(configJson || app.config_json || "{}") as { build?: { command?: string } })
      .build?.command;
    const cacheDir = join(ctx.options.dataDir, "build-cache");
    await mkdir(cacheDir, { recursive: true });
    const artifact = await createArchiveBuilder().build({
      sourceDir,
      files: undefined,
      options: { command: command ?? "" },
      env: { BERTH_GIT_SHA: sha, BERTH_APP: job.app, BERTH_PROJECT: job.project },
      workDir: join(ctx.options.dataDir, "build-work"),
      cacheDir,
      output: {
        step: (name, title) => {
          step = name;
          reporter.step(name, title);
        },
        stepDone: (name, detail) => reporter.stepDone(name, detail),
        line: (stream, text) => reporter.line(step, stream, text),
      },
      signal,
    });
    reporter.step("push", "Store artifact in the server registry");
    step = "push";
    try {
      const stored = await artifacts.receive(
        artifact.digest,
        artifact.sizeBytes,
        createReadStream(artifact.path),
        signal,
      );
      reporter.stepDone(
        "push",
        stored.deduplicated ? "already stored (deduplicated)" : `${stored.sizeBytes} bytes`,
      );
    } finally {
      await rm(artifact.path, { force: true });
    }
    return { artifactDigest: artifact.digest, artifactSizeBytes: BigInt(artifact.sizeBytes) };
  } finally {
    await rm(sourceDir, { recursive: true, force: true });
  }
}

/** The commit's SHA, branch, author and message on the job, its build and the build's start in the lifecycle log. */
async function recordProvenance(
  ctx: ServerContext,
  jobId: string,
  buildId: string,
  commit: CommitInfo,
  branch: string,
): Promise<void> {
  const git = {
    git_sha: commit.sha,
    git_branch: branch,
    git_author: commit.author.slice(0, 255),
    git_message: commit.message.slice(0, 4096),
    git_commit_time: commit.commitTimeMs || null,
    git_dirty: 0,
  };
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.updateTable("jobs").set(git).where("id", "=", jobId).execute();
    if (!buildId) return;
    await trx.updateTable("builds").set(git).where("id", "=", buildId).execute();
    // The build's start was logged before its commit was known: it gets the SHA it turned out to build.
    await trx
      .updateTable("lifecycle_events")
      .set({ git_sha: commit.sha })
      .where("build_id", "=", buildId)
      .where("git_sha", "=", "")
      .execute();
  });
  if (buildId) await publishBuild(ctx, buildId);
}
