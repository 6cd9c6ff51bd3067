import { type Deployment, InstanceState } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { Card } from "@berth/ui/card";
import { CopyButton } from "@berth/ui/copy-button";
import { formatDuration, RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { Link, useParams } from "wouter";
import { useReleasedDeployment } from "../../api/queries/applications.js";
import { useDeploymentBySeq, useInstances } from "../../api/queries/deployments.js";
import { GitDetails } from "../../components/git-details.js";
import { InstancesTable } from "../../components/instances-table.js";
import { PhaseTimings } from "../../components/phase-timings.js";
import { deploymentStatusWord, deploymentTone, formatBytes, parseVersion } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";
import { configRevisionText } from "../../modules/deployments/config-revision-text.js";
import { DestroyButton } from "../../modules/deployments/destroy-button.js";
import { PinControl } from "../../modules/deployments/pin-control.js";
import { ScaleControl } from "../../modules/deployments/scale-control.js";
import { JobOutput } from "../../modules/jobs/job-output.js";
import { DeploymentActions } from "../../modules/release/deployment-actions.js";

/** One deployment: URL, git, artifact, config, instances, timings, the job output and the actions. */
export function DeploymentPage() {
  const { project, app, version } = useParams() as { project: string; app: string; version: string };
  const seq = parseVersion(version);
  const query = useDeploymentBySeq(project, app, seq ?? 0);
  const { released } = useReleasedDeployment(project, app);
  if (seq === undefined) return <EmptyState title={`"${version}" is not a version; use v12 or 12.`} />;
  if (query.isPending) return <LoadingState label={`Loading v${seq}…`} />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const d = query.data.deployment;
  if (!d) return <EmptyState title={`No deployment v${seq}`} />;
  return <DeploymentDetail project={project} app={app} d={d} released={released} />;
}

function DeploymentDetail({
  project,
  app,
  d,
  released,
}: {
  project: string;
  app: string;
  d: Deployment;
  released: Deployment | undefined;
}) {
  const instances = useInstances(d.id);
  const created = tsMs(d.createdAt);
  const finished = tsMs(d.finishedAt);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="text-xl font-semibold">v{d.seq}</h2>
        <Badge tone={deploymentTone(d.status)}>{deploymentStatusWord(d.status)}</Badge>
        {d.released ? <Badge tone="indigo">released</Badge> : null}
        {d.url ? (
          <span className="flex min-w-0 items-center gap-1 text-sm">
            <a
              href={d.url}
              target="_blank"
              rel="noreferrer"
              className="truncate text-indigo-600 hover:underline dark:text-indigo-400"
            >
              {d.url}
            </a>
            <CopyButton value={d.url} label="Copy deployment URL" />
          </span>
        ) : null}
      </div>
      <DeploymentActions
        project={project}
        app={app}
        deployment={d}
        current={released}
        extra={<DestroyButton app={app} deployment={d} />}
      />
      <PinControl project={project} app={app} deployment={d} />
      {d.error ? <ErrorState error={d.error} title="This deployment failed" /> : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Commit">
          <dl className="grid grid-cols-[5rem_1fr] gap-y-1 text-sm">
            <GitDetails git={d.git} shaLabel="SHA" />
          </dl>
        </Card>
        <Card title="Artifact and config">
          <dl className="grid grid-cols-[6rem_1fr] gap-y-1 text-sm">
            <dt className="text-zinc-500 dark:text-zinc-400">Digest</dt>
            <dd className="flex min-w-0 items-center gap-1">
              <code className="truncate font-mono text-xs" title={d.artifactDigest}>
                {d.artifactDigest || "—"}
              </code>
              {d.artifactDigest ? <CopyButton value={d.artifactDigest} label="Copy artifact digest" /> : null}
            </dd>
            <dt className="text-zinc-500 dark:text-zinc-400">Size</dt>
            <dd>{formatBytes(d.artifactSizeBytes)}</dd>
            <dt className="text-zinc-500 dark:text-zinc-400">Config</dt>
            <dd>
              <Link to={`/p/${project}/a/${app}/config`} className="hover:underline">
                {configRevisionText(
                  d.configRevision,
                  (instances.data?.instances ?? [])
                    .filter((i) => i.state === InstanceState.RUNNING)
                    .map((i) => i.configRevision),
                )}
              </Link>
            </dd>
            <dt className="text-zinc-500 dark:text-zinc-400">Platform</dt>
            <dd>{d.platform || "process"}</dd>
            <dt className="text-zinc-500 dark:text-zinc-400">Created</dt>
            <dd>
              <RelativeTime ms={created} />
              {created && finished ? ` · took ${formatDuration(finished - created)}` : null}
            </dd>
          </dl>
        </Card>
        <Card title="Phase timings">
          <PhaseTimings timings={d.timings} />
        </Card>
      </div>
      <Card title={`Instances (${d.instanceCount})`}>
        <ScaleControl project={project} app={app} deployment={d} />
        {instances.isPending && instances.fetchStatus !== "idle" ? (
          <LoadingState label="Loading instances…" />
        ) : null}
        {instances.error ? (
          <ErrorState error={instances.error} onRetry={() => void instances.refetch()} />
        ) : null}
        {instances.data ? (
          <InstancesTable instances={instances.data.instances} platform={d.platform} />
        ) : null}
      </Card>
      {d.jobId ? (
        <div>
          <h2 className="mb-2 text-sm font-semibold">
            Output of{" "}
            <Link to={`/jobs/${d.jobId}`} className="hover:underline">
              job {d.jobId.slice(-8)}
            </Link>
          </h2>
          <JobOutput jobId={d.jobId} />
        </div>
      ) : null}
    </div>
  );
}
