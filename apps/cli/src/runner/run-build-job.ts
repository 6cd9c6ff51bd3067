import { join, resolve } from "node:path";
import { type Job, type JobResult, StepStatus } from "@berth/proto";
import { createArchiveBuilder, type JobReporter } from "@berth/server/runner-kit";
import { cliCacheDir } from "../cache/cli-cache-dir.js";
import type { ApiClient } from "../client/create-api-client.js";
import { listBuildFiles } from "../git/list-build-files.js";
import { uploadArtifact } from "./upload-artifact.js";

/**
 * Runs a build job on this machine: the archive builder over the working tree in `rootDir` (plus the
 * app's `path`), then a push of the artifact to the server registry.
 */
export async function runBuildJob(
  api: ApiClient,
  job: Job,
  rootDir: string,
  reporter: JobReporter,
  signal: AbortSignal,
): Promise<Partial<JobResult>> {
  const configJson = job.params.case === "build" ? job.params.value.configJson : "{}";
  const app = JSON.parse(configJson || "{}") as {
    path?: string;
    build?: { command?: string; exclude?: string[] };
  };
  const sourceDir = resolve(rootDir, app.path ?? ".");
  const cache = cliCacheDir();
  const { files, inRepository, excluded } = await listBuildFiles(sourceDir, app.build?.exclude ?? [], signal);
  const notes: string[] = [];
  if (!inRepository)
    notes.push(
      `warning: ${sourceDir} is not in a git repository, so this build records no commit (provenance is missing); files its .gitignore lists are still left out`,
    );
  if (excluded > 0) notes.push(`berth.hcl exclude left out ${excluded} file(s)`);
  let step = "copy";
  const artifact = await createArchiveBuilder().build({
    sourceDir,
    files,
    notes,
    options: { command: app.build?.command ?? "" },
    env: { BERTH_GIT_SHA: job.git?.sha ?? "", BERTH_APP: job.app, BERTH_PROJECT: job.project },
    workDir: join(cache, "work"),
    cacheDir: cache,
    output: {
      step: (name, title) => {
        step = name;
        reporter.step(name, title);
      },
      stepDone: (name, detail) => reporter.stepDone(name, detail),
      // A line belongs to the step that is running (the command's output, or a note of the copy step).
      line: (stream, text) => reporter.line(step, stream, text),
    },
    signal,
  });
  reporter.step("push", "Push artifact to the server registry");
  const pushed = await uploadArtifact(api, artifact, signal);
  reporter.stepDone(
    "push",
    pushed.deduplicated ? "already stored (deduplicated)" : `${artifact.sizeBytes} bytes`,
    StepStatus.SUCCESS,
  );
  return { artifactDigest: artifact.digest, artifactSizeBytes: BigInt(artifact.sizeBytes) };
}
