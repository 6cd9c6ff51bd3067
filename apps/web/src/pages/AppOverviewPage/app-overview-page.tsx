import { DashboardService, type GetAppOverviewResponse } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { Card } from "@berth/ui/card";
import { CopyButton } from "@berth/ui/copy-button";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useQuery } from "@connectrpc/connect-query";
import { Link, useParams } from "wouter";
import { InstancesTable } from "../../components/instances-table.js";
import { ShaChip } from "../../components/sha-chip.js";
import {
  buildStatusWord,
  buildTone,
  deploymentStatusWord,
  deploymentTone,
  jobKindWord,
  jobStateWord,
  jobTone,
} from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";
import { DeleteAppButton } from "../../modules/cleanup/delete-app-button.js";
import { DeployCommitButton } from "../../modules/git/deploy-commit-button.js";
import { gitSourceOf } from "../../modules/git/trigger-label.js";
import { LiveAtCard } from "../../modules/lifecycle/live-at-card.js";
import { PreviewsCard } from "../../modules/previews/previews-card.js";
import { DeploymentActions } from "../../modules/release/deployment-actions.js";
import { RolloutCard } from "../../modules/release/rollout-card.js";

/** The app at a glance: what is released where, its health, and what happened recently. Live via events. */
export function AppOverviewPage() {
  const { project, app } = useParams() as { project: string; app: string };
  const query = useQuery(DashboardService.method.getAppOverview, { app: { project, app } });
  if (query.isPending) return <LoadingState label={`Loading ${app}…`} />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <Overview project={project} app={app} data={query.data} />;
}

function Overview({ project, app, data }: { project: string; app: string; data: GetAppOverviewResponse }) {
  const base = `/p/${project}/a/${app}`;
  const released = data.released;
  const lastRelease = data.recentReleases[0];
  const url = data.application?.url;
  const source = gitSourceOf(data.application?.configJson);
  return (
    <div className="space-y-4">
      <Card
        title="Released"
        actions={source ? <DeployCommitButton project={project} app={app} source={source} /> : undefined}
      >
        {released ? (
          <div className="space-y-3">
            <div className="flex flex-wrap items-center gap-3">
              <Link
                to={`${base}/deployments/v${released.seq}`}
                className="text-lg font-semibold hover:underline"
              >
                v{released.seq}
              </Link>
              <Badge tone={deploymentTone(released.status)}>{deploymentStatusWord(released.status)}</Badge>
              <ShaChip git={released.git} />
              <span className="min-w-0 truncate text-sm text-zinc-600 dark:text-zinc-400">
                {released.git?.message.split("\n")[0]}
              </span>
            </div>
            {url ? (
              <div className="flex items-center gap-2 text-sm">
                <a
                  href={url}
                  target="_blank"
                  rel="noreferrer"
                  className="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
                >
                  {url}
                </a>
                <CopyButton value={url} label="Copy app URL" />
              </div>
            ) : null}
            {lastRelease ? (
              <p className="text-xs text-zinc-500 dark:text-zinc-400">
                Released <RelativeTime ms={tsMs(lastRelease.createdAt)} /> by{" "}
                {lastRelease.actor?.name || "someone"}
                {lastRelease.reason ? ` — “${lastRelease.reason}”` : ""}
                {lastRelease.targets.length > 1
                  ? ` · canary: ${lastRelease.targets.map((t) => `v${t.seq} ${t.weight}%`).join(", ")}`
                  : ""}
              </p>
            ) : null}
            <DeploymentActions project={project} app={app} deployment={released} current={released} />
            <InstancesTable instances={data.releasedInstances} platform={released.platform} />
          </div>
        ) : (
          <EmptyState title="Nothing released yet">
            Release a healthy deployment from the list below, or run <code>berth up</code>.
          </EmptyState>
        )}
      </Card>
      <RolloutCard project={project} app={app} />
      <LiveAtCard project={project} app={app} />
      <PreviewsCard project={project} app={app} />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card
          title="Recent deployments"
          actions={
            <Link
              to={`${base}/deployments`}
              className="text-xs text-indigo-600 hover:underline dark:text-indigo-400"
            >
              All deployments
            </Link>
          }
        >
          {data.recentDeployments.length === 0 ? (
            <p className="text-sm text-zinc-500 dark:text-zinc-400">None yet.</p>
          ) : null}
          <ul className="space-y-1 text-sm">
            {data.recentDeployments.slice(0, 8).map((d) => (
              <li key={d.id} className="flex items-center gap-2">
                <Link
                  to={`${base}/deployments/v${d.seq}`}
                  className="w-16 shrink-0 font-medium hover:underline"
                >
                  v{d.seq}
                </Link>
                <Badge tone={deploymentTone(d.status)}>{deploymentStatusWord(d.status)}</Badge>
                {d.released ? <Badge tone="indigo">released</Badge> : null}
                <ShaChip git={d.git} />
                <span className="min-w-0 flex-1 truncate text-zinc-600 dark:text-zinc-400">
                  {d.git?.message.split("\n")[0]}
                </span>
                <RelativeTime ms={tsMs(d.createdAt)} />
              </li>
            ))}
          </ul>
        </Card>
        <Card
          title="Latest jobs"
          actions={
            <Link to="/jobs" className="text-xs text-indigo-600 hover:underline dark:text-indigo-400">
              All jobs
            </Link>
          }
        >
          {data.recentJobs.length === 0 ? (
            <p className="text-sm text-zinc-500 dark:text-zinc-400">None yet.</p>
          ) : null}
          <ul className="space-y-1 text-sm">
            {data.recentJobs.slice(0, 8).map((j) => (
              <li key={j.id} className="flex items-center gap-2">
                <Link to={`/jobs/${j.id}`} className="w-16 font-medium hover:underline">
                  {jobKindWord(j.kind)}
                </Link>
                <Badge tone={jobTone(j.state)}>{jobStateWord(j.state)}</Badge>
                <ShaChip git={j.git} />
                <span className="flex-1" />
                <RelativeTime ms={tsMs(j.queuedAt)} />
              </li>
            ))}
          </ul>
        </Card>
        <Card
          title="Recent builds"
          actions={
            <Link
              to={`${base}/builds`}
              className="text-xs text-indigo-600 hover:underline dark:text-indigo-400"
            >
              All builds
            </Link>
          }
        >
          {data.recentBuilds.length === 0 ? (
            <p className="text-sm text-zinc-500 dark:text-zinc-400">None yet.</p>
          ) : null}
          <ul className="space-y-1 text-sm">
            {data.recentBuilds.slice(0, 6).map((b) => (
              <li key={b.id} className="flex items-center gap-2">
                <span className="w-12 shrink-0 font-medium">#{b.seq}</span>
                <Badge tone={buildTone(b.status)}>{buildStatusWord(b.status)}</Badge>
                <ShaChip git={b.git} />
                <span className="flex-1" />
                <RelativeTime ms={tsMs(b.createdAt)} />
              </li>
            ))}
          </ul>
        </Card>
        <Card
          title="Recent releases"
          actions={
            <Link
              to={`${base}/releases`}
              className="text-xs text-indigo-600 hover:underline dark:text-indigo-400"
            >
              All releases
            </Link>
          }
        >
          {data.recentReleases.length === 0 ? (
            <p className="text-sm text-zinc-500 dark:text-zinc-400">None yet.</p>
          ) : null}
          <ul className="space-y-1 text-sm">
            {data.recentReleases.slice(0, 6).map((r) => (
              <li key={r.id} className="flex items-center gap-2">
                <span className="w-12 shrink-0 font-medium">#{r.seq}</span>
                <span>
                  {r.targets
                    .map((t) => `v${t.seq}${r.targets.length > 1 ? ` ${t.weight}%` : ""}`)
                    .join(" + ")}
                </span>
                {r.rollbackOf ? <Badge tone="amber">rollback</Badge> : null}
                <span className="min-w-0 flex-1 truncate text-zinc-500 dark:text-zinc-400">
                  {r.actor?.name}
                </span>
                <RelativeTime ms={tsMs(r.createdAt)} />
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <div className="flex justify-end">
        <DeleteAppButton project={project} app={app} />
      </div>
    </div>
  );
}
