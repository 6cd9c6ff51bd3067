import { hostname } from "node:os";
import {
  type GitCommit,
  GitCommitSchema,
  type GitInfo,
  GitInfoSchema,
  JobKind,
  JobService,
  ProjectService,
  ReleaseService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ApiClient } from "../client/create-api-client.js";
import type { AppConfig } from "../config/config-types.js";
import { type AncestorCommit, readGitAncestry } from "../git/read-git-ancestry.js";
import type { GitProvenance } from "../git/read-git-info.js";
import { assertJobSucceeded, followJob } from "../jobs/follow-job.js";
import type { JobEventRenderer } from "../jobs/render-job-events.js";
import { startRunnerSession } from "../runner/runner-session.js";
import { findUnchangedDeployment } from "./find-unchanged-deployment.js";
import { sourceInProjectTree } from "./source-in-project-tree.js";

export type Phase = "build" | "deploy" | "release";

export interface ShipOptions {
  api: ApiClient;
  /** Directory holding berth.hcl (the app's `path` is relative to it). */
  rootDir: string;
  project: string;
  app: AppConfig;
  git: GitProvenance;
  phases: Phase[];
  /** Deploy this build instead of the one just built (or the latest). */
  buildId?: string;
  /**
   * With all three phases: when the released deployment already serves this clean commit with this config
   * (see findUnchangedDeployment), queue nothing and return it as `unchanged`.
   */
  skipUnchanged?: boolean;
  release?: { canaryPercent?: number; force?: boolean; reason?: string };
  /** A renderer per phase for live output; undefined renders nothing. */
  renderer?: (phase: Phase) => JobEventRenderer | undefined;
  onPhase?: (phase: Phase, state: "start" | "done", ms?: number) => void;
  /**
   * Build a commit of the app's git source on the server (`berth up --remote [--ref X]`) instead of this
   * working tree; ref "" is the source's tracked ref.
   */
  remote?: { ref: string };
  /** Called with each job this run queues (so an interrupted CLI can cancel it). */
  onJob?: (jobId: string) => void;
  signal?: AbortSignal;
}

export interface ShipResult {
  /** Set when nothing was queued because the released deployment (deploymentId, vN) already serves this tree. */
  unchanged?: { seq: number; sha: string };
  buildId?: string;
  buildJobId?: string;
  artifactDigest?: string;
  artifactSizeBytes?: number;
  deployJobId?: string;
  deploymentId?: string;
  deploymentUrl?: string;
  releaseId?: string;
  appUrl?: string;
  /** Wall-clock time of each phase, in ms. */
  timings: { phase: Phase; ms: number }[];
}

/** The working tree's provenance as the API's GitInfo. */
export function toGitInfo(git: GitProvenance): GitInfo {
  return create(GitInfoSchema, {
    sha: git.sha,
    branch: git.branch,
    author: git.author.slice(0, 255),
    message: git.message,
    commitTime: git.commitTimeMs ? timestampFromMs(git.commitTimeMs) : undefined,
    dirty: git.dirty,
  });
}

/** HEAD's first-parent ancestry as the API's GitCommits. */
function toGitCommits(commits: readonly AncestorCommit[]): GitCommit[] {
  return commits.map((c) =>
    create(GitCommitSchema, {
      sha: c.sha,
      parentSha: c.parentSha,
      author: c.author,
      subject: c.subject,
      commitTime: c.commitTimeMs ? timestampFromMs(c.commitTimeMs) : undefined,
    }),
  );
}

/**
 * build → push → deploy → release for one app (any subset of the phases, in that order). The build
 * runs here, on this machine's working tree: the CLI registers itself as the runner the job targets.
 */
export async function shipApp(o: ShipOptions): Promise<ShipResult> {
  const ref = { project: o.project, app: o.app.name };
  const result: ShipResult = { timings: [] };
  const configJson = JSON.stringify(o.app);
  if (
    !o.remote &&
    o.skipUnchanged &&
    (["build", "deploy", "release"] as const).every((p) => o.phases.includes(p)) &&
    (await sourceInProjectTree(o.rootDir, o.app.path, o.signal))
  ) {
    const same = await findUnchangedDeployment({
      api: o.api,
      app: ref,
      git: o.git,
      configJson,
      signal: o.signal,
    });
    if (same)
      return {
        ...result,
        unchanged: { seq: same.seq, sha: same.sha },
        deploymentId: same.deploymentId,
        deploymentUrl: same.deploymentUrl,
        appUrl: same.appUrl,
      };
  }
  // A remote build learns its commit on the server: the working tree's provenance is not sent.
  const git = o.remote ? create(GitInfoSchema, {}) : toGitInfo(o.git);
  // Sent with each job so the server can list the commits between deployments; never fails the run.
  const ancestry =
    !o.remote && o.git.sha && (o.phases.includes("build") || o.phases.includes("deploy"))
      ? toGitCommits(await readGitAncestry(o.rootDir, o.signal).catch(() => []))
      : [];
  const jobs = o.api.client(JobService);
  await o.api
    .client(ProjectService)
    .upsertApplication({ app: ref, labels: o.app.labels, configJson }, { signal: o.signal });

  const timed = async <T>(phase: Phase, fn: () => Promise<T>): Promise<T> => {
    o.onPhase?.(phase, "start");
    const started = Date.now();
    const value = await fn();
    const ms = Date.now() - started;
    result.timings.push({ phase, ms });
    o.onPhase?.(phase, "done", ms);
    return value;
  };

  // A build job's output rendered until it ends; its build and artifact go into the result.
  const followBuild = async (jobId: string) => {
    const done = await followJob(o.api, jobId, o.renderer?.("build"), o.signal);
    result.buildJobId = done.id;
    assertJobSucceeded(done, "build");
    result.buildId = done.result?.buildId;
    result.artifactDigest = done.result?.artifactDigest;
    result.artifactSizeBytes = Number(done.result?.artifactSizeBytes ?? 0n);
  };

  if (o.phases.includes("build") && o.remote) {
    const gitRef = o.remote.ref;
    await timed("build", async () => {
      const { job } = await jobs.queueJob(
        {
          app: ref,
          kind: JobKind.BUILD,
          git,
          params: { case: "build", value: { configJson, source: { ref: gitRef, sha: "" } } },
        },
        { signal: o.signal },
      );
      o.onJob?.(job!.id);
      await followBuild(job!.id);
    });
  } else if (o.phases.includes("build"))
    await timed("build", async () => {
      const stop = new AbortController();
      const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
      const session = startRunnerSession({
        api: o.api,
        name: `cli@${hostname()}`,
        kind: "cli",
        rootDir: o.rootDir,
        signal,
      });
      session.done.catch(() => {});
      try {
        const runnerId = await session.registered;
        const { job } = await jobs.queueJob(
          {
            app: ref,
            kind: JobKind.BUILD,
            git,
            ancestry,
            targetRunnerId: runnerId,
            params: { case: "build", value: { configJson } },
          },
          { signal: o.signal },
        );
        o.onJob?.(job!.id);
        await followBuild(job!.id);
      } finally {
        stop.abort();
      }
    });

  if (o.phases.includes("deploy"))
    await timed("deploy", async () => {
      const { job } = await jobs.queueJob(
        {
          app: ref,
          kind: JobKind.DEPLOY,
          git,
          ancestry,
          params: { case: "deploy", value: { buildId: result.buildId ?? o.buildId ?? "", configJson } },
        },
        { signal: o.signal },
      );
      o.onJob?.(job!.id);
      const done = await followJob(o.api, job!.id, o.renderer?.("deploy"), o.signal);
      result.deployJobId = done.id;
      result.deploymentId = done.result?.deploymentId || undefined;
      result.deploymentUrl = done.result?.deploymentUrl || undefined;
      assertJobSucceeded(done, "deploy");
    });

  if (o.phases.includes("release")) {
    if (!result.deploymentId) throw new Error("nothing to release: no deployment was made");
    await timed("release", async () => {
      const { release } = await o.api.client(ReleaseService).release(
        {
          app: ref,
          deploymentId: result.deploymentId,
          canaryPercent: o.release?.canaryPercent ?? 0,
          force: o.release?.force ?? false,
          reason: o.release?.reason ?? "",
        },
        { signal: o.signal },
      );
      result.releaseId = release?.id;
      result.appUrl = release?.url;
    });
  }
  return result;
}
