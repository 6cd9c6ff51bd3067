import { JobService, JobState } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { Button } from "@berth/ui/button";
import { formatDuration, RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { Link, useParams } from "wouter";
import { useViewer } from "../../app/app-services.js";
import { ShaChip } from "../../components/sha-chip.js";
import { jobKindWord, jobStateWord, jobTone } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";
import { deniedReason } from "../../modules/auth/permissions.js";
import { useEventStream } from "../../modules/events/use-event-stream.js";
import { JobOutput } from "../../modules/jobs/job-output.js";

/** One job: its state, result and output, streamed while it runs and replayed after. */
export function JobPage() {
  const id = useParams().id!;
  const viewer = useViewer();
  const query = useQuery(JobService.method.getJob, { id });
  useEventStream({ project: query.data?.job?.project, app: query.data?.job?.app });
  const cancel = useMutation(JobService.method.cancelJob);
  if (query.isPending) return <LoadingState label="Loading job…" />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const job = query.data.job;
  if (!job) return <EmptyState title="No such job" />;
  const started = tsMs(job.startedAt);
  const finished = tsMs(job.finishedAt);
  const active = job.state === JobState.QUEUED || job.state === JobState.RUNNING;
  const base = `/p/${job.project}/a/${job.app}`;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">
          {jobKindWord(job.kind)} job{" "}
          <span className="font-mono text-sm text-zinc-500 dark:text-zinc-400">{job.id}</span>
        </h1>
        <Badge tone={jobTone(job.state)}>{jobStateWord(job.state)}</Badge>
        <Link to={base} className="text-sm hover:underline">
          {job.project}/{job.app}
        </Link>
        <ShaChip git={job.git} />
        {active ? (
          <Button
            size="sm"
            variant="danger"
            className="ml-auto"
            disabledReason={deniedReason(viewer?.role, "release")}
            disabled={cancel.isPending}
            onClick={() => cancel.mutate({ id: job.id })}
          >
            Cancel job
          </Button>
        ) : null}
      </div>
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        Queued <RelativeTime ms={tsMs(job.queuedAt)} /> by {job.actor?.name || "someone"}
        {job.runnerId ? ` · runner ${job.runnerId}` : ""}
        {started && finished ? ` · took ${formatDuration(finished - started)}` : ""}
      </p>
      {cancel.error ? <ErrorState error={cancel.error} title="Cancel failed" /> : null}
      {job.error ? <ErrorState error={job.error} title="The job failed" /> : null}
      {job.result?.deploymentUrl || job.result?.appUrl ? (
        <p className="text-sm">
          {job.result.deploymentUrl ? (
            <a
              href={job.result.deploymentUrl}
              className="mr-4 text-indigo-600 hover:underline"
              target="_blank"
              rel="noreferrer"
            >
              {job.result.deploymentUrl}
            </a>
          ) : null}
          {job.result.appUrl ? (
            <a
              href={job.result.appUrl}
              className="text-indigo-600 hover:underline"
              target="_blank"
              rel="noreferrer"
            >
              {job.result.appUrl}
            </a>
          ) : null}
        </p>
      ) : null}
      <JobOutput jobId={job.id} />
    </div>
  );
}
