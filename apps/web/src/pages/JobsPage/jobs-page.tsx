import { JobService, JobState } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { formatDuration, RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useInfiniteQuery } from "@connectrpc/connect-query";
import { useMemo } from "react";
import { Link, useLocation } from "wouter";
import { ShaChip } from "../../components/sha-chip.js";
import { VirtualTable } from "../../components/virtual-table.js";
import { jobKindWord, jobStateWord, jobTone } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";
import { useSearchParams } from "../../lib/use-search-params.js";
import { useEventStream } from "../../modules/events/use-event-stream.js";

const states = [JobState.QUEUED, JobState.RUNNING, JobState.SUCCESS, JobState.ERROR, JobState.CANCELLED];

/** Every job with its live state; ?state=running filters. */
export function JobsPage() {
  useEventStream({});
  const [, navigate] = useLocation();
  const [params, setParams] = useSearchParams();
  // ?state=running: the word in the URL, the enum in the request.
  const state = states.find((s) => jobStateWord(s) === params.get("state")) ?? JobState.UNSPECIFIED;
  const jobs = useInfiniteQuery(
    JobService.method.listJobs,
    { ...(state ? { states: [state] } : {}), pageSize: 100, pageToken: "" },
    { pageParamKey: "pageToken", getNextPageParam: (res) => res.nextPageToken || undefined },
  );
  const rows = useMemo(() => jobs.data?.pages.flatMap((p) => p.jobs) ?? [], [jobs.data]);
  return (
    <div>
      <div className="mb-3 flex items-center gap-2">
        <h1 className="text-xl font-semibold">Jobs</h1>
        <select
          aria-label="Filter by state"
          value={state ? jobStateWord(state) : ""}
          onChange={(e) => setParams(e.target.value ? { state: e.target.value } : {})}
          className="ml-auto rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        >
          <option value="">All states</option>
          {states.map((s) => (
            <option key={s} value={jobStateWord(s)}>
              {jobStateWord(s)}
            </option>
          ))}
        </select>
      </div>
      {jobs.isPending ? <LoadingState label="Loading jobs…" /> : null}
      {jobs.error ? <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} /> : null}
      {jobs.data && rows.length === 0 ? <EmptyState title="No jobs" /> : null}
      {rows.length > 0 ? (
        <VirtualTable
          label="Jobs"
          columns="6rem 6.5rem minmax(8rem,1fr) 9rem 8rem 7rem 6rem"
          headers={["Kind", "State", "App", "Commit", "By", "Queued", "Took"]}
          rows={rows}
          rowKey={(j) => j.id}
          rowLabel={(j) => `${jobKindWord(j.kind)} job ${j.id}`}
          rowTestId="job-row"
          onRowClick={(j) => navigate(`/jobs/${j.id}`)}
          hasNextPage={jobs.hasNextPage}
          isFetchingNextPage={jobs.isFetchingNextPage}
          fetchNextPage={() => void jobs.fetchNextPage()}
          renderRow={(j) => {
            const started = tsMs(j.startedAt);
            const finished = tsMs(j.finishedAt);
            return [
              <Link
                key="k"
                to={`/jobs/${j.id}`}
                className="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
              >
                {jobKindWord(j.kind)}
              </Link>,
              <Badge key="s" tone={jobTone(j.state)}>
                {jobStateWord(j.state)}
              </Badge>,
              <Link key="a" to={`/p/${j.project}/a/${j.app}`} className="hover:underline">
                {j.project}/{j.app}
              </Link>,
              <ShaChip key="g" git={j.git} />,
              <span key="b">{j.actor?.name}</span>,
              <RelativeTime key="q" ms={tsMs(j.queuedAt)} />,
              <span key="t">{started && finished ? formatDuration(finished - started) : "—"}</span>,
            ];
          }}
        />
      ) : null}
    </div>
  );
}
