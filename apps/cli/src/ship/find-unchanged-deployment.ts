import {
  ArtifactService,
  BuildService,
  ConfigService,
  DeploymentService,
  DeploymentStatus,
  JobService,
  ReleaseService,
} from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ApiClient } from "../client/create-api-client.js";
import type { GitProvenance } from "../git/read-git-info.js";

/** The released deployment that already serves what `berth up` would deploy. */
export interface UnchangedDeployment {
  deploymentId: string;
  seq: number;
  sha: string;
  deploymentUrl: string;
  appUrl: string;
}

export interface FindUnchangedOptions {
  api: ApiClient;
  app: { project: string; app: string };
  git: GitProvenance;
  /** The app's config from berth.hcl as `berth up` sends it with its build and deploy jobs. */
  configJson: string;
  signal?: AbortSignal;
}

/** NotFound (no such app, job or build yet) means "nothing to compare with"; other errors are real. */
function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  return p.catch((err: unknown) => {
    if (ConnectError.from(err).code === Code.NotFound) return undefined;
    throw err;
  });
}

/**
 * The deployment the app's URL serves alone when it is exactly what `berth up` would make now, else undefined.
 * "Exactly" is decided from what the server recorded, without building: the working tree is clean and at the
 * deployment's commit (which was clean too), the build and deploy jobs that made it carried this very app
 * config (so a changed berth.hcl, ignored by git or not, counts), the project's config revision is the one it
 * was deployed with, it is healthy, it is the only target of the current release, and its artifact is still
 * stored. Comparing artifact digests instead would need a build first, which is the cost this avoids.
 */
export async function findUnchangedDeployment(
  o: FindUnchangedOptions,
): Promise<UnchangedDeployment | undefined> {
  if (!o.git.sha || o.git.dirty) return undefined;
  const opts = { signal: o.signal };
  const releases = await orUndefined(
    o.api.client(ReleaseService).listReleases({ app: o.app, pageSize: 1 }, opts),
  );
  const current = releases?.releases[0];
  const target = current?.targets.length === 1 ? current.targets[0] : undefined;
  if (!current || !target || target.weight < 100) return undefined;
  const deployment = (
    await orUndefined(o.api.client(DeploymentService).getDeployment({ id: target.deploymentId }, opts))
  )?.deployment;
  if (
    !deployment?.artifactDigest ||
    deployment.status !== DeploymentStatus.HEALTHY ||
    deployment.git?.sha !== o.git.sha ||
    deployment.git.dirty
  )
    return undefined;
  const jobs = o.api.client(JobService);
  const [deployJob, build, vars, artifact] = await Promise.all([
    orUndefined(jobs.getJob({ id: deployment.jobId }, opts)),
    orUndefined(o.api.client(BuildService).getBuild({ id: deployment.buildId }, opts)),
    o.api.client(ConfigService).listConfigVars({ project: o.app.project, app: o.app.app }, opts),
    o.api.client(ArtifactService).hasArtifact({ digest: deployment.artifactDigest }, opts),
  ]);
  const deployed = deployJob?.job?.params;
  if (deployed?.case !== "deploy" || deployed.value.configJson !== o.configJson) return undefined;
  if (vars.revision !== deployment.configRevision || !artifact.present || !build?.build?.jobId)
    return undefined;
  const built = (await orUndefined(jobs.getJob({ id: build.build.jobId }, opts)))?.job?.params;
  if (built?.case !== "build" || built.value.configJson !== o.configJson) return undefined;
  return {
    deploymentId: deployment.id,
    seq: deployment.seq,
    sha: o.git.sha,
    deploymentUrl: deployment.url,
    appUrl: current.url,
  };
}
