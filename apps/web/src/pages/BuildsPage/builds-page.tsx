import { BuildService } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { formatDuration, RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useInfiniteQuery } from "@connectrpc/connect-query";
import { useMemo } from "react";
import { Link, useParams } from "wouter";
import { ShaChip } from "../../components/sha-chip.js";
import { VirtualTable } from "../../components/virtual-table.js";
import { buildStatusWord, buildTone, formatBytes } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";
import { useSearchParams } from "../../lib/use-search-params.js";
import { triggerLabel } from "../../modules/git/trigger-label.js";
import { toHistoryFilter, writeHistorySearch } from "../../modules/history/history-search-params.js";

/** Build history with the same SHA/branch/message search as deployments. */
export function BuildsPage() {
  const { project, app } = useParams() as { project: string; app: string };
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const filter = toHistoryFilter(q);
  const builds = useInfiniteQuery(
    BuildService.method.listBuilds,
    { app: { project, app }, ...(filter ? { filter } : {}), pageSize: 100, pageToken: "" },
    { pageParamKey: "pageToken", getNextPageParam: (res) => res.nextPageToken || undefined },
  );
  const rows = useMemo(() => builds.data?.pages.flatMap((p) => p.builds) ?? [], [builds.data]);
  return (
    <div>
      <input
        type="search"
        data-shortcut-search
        aria-label="Search builds by SHA, branch or message"
        placeholder="Search SHA prefix, branch:name or message…"
        defaultValue={q}
        onChange={(e) => setParams((p) => writeHistorySearch(p, { q: e.target.value }), { replace: true })}
        className="mb-3 w-full max-w-md rounded-md border border-zinc-300 bg-transparent px-3 py-1.5 text-sm dark:border-zinc-700"
      />
      {builds.isPending ? <LoadingState label="Loading builds…" /> : null}
      {builds.error ? <ErrorState error={builds.error} onRetry={() => void builds.refetch()} /> : null}
      {builds.data && rows.length === 0 ? (
        <EmptyState title={q ? "No build matches" : "No builds yet"} />
      ) : null}
      {rows.length > 0 ? (
        <VirtualTable
          label="Builds"
          columns="4rem 6rem 8.5rem 7rem minmax(10rem,1fr) 6rem 6.5rem 5rem"
          headers={["Build", "Status", "Commit", "Branch", "Message", "Artifact", "Age", "Took"]}
          rows={rows}
          rowKey={(b) => b.id}
          rowTestId="build-row"
          hasNextPage={builds.hasNextPage}
          isFetchingNextPage={builds.isFetchingNextPage}
          fetchNextPage={() => void builds.fetchNextPage()}
          renderRow={(b) => {
            const created = tsMs(b.createdAt);
            const finished = tsMs(b.finishedAt);
            return [
              <Link key="s" to={b.jobId ? `/jobs/${b.jobId}` : "#"} className="font-medium hover:underline">
                #{b.seq}
              </Link>,
              <Badge key="st" tone={buildTone(b.status)}>
                {buildStatusWord(b.status)}
              </Badge>,
              <ShaChip key="g" git={b.git} />,
              <span key="b">{b.git?.branch}</span>,
              <span key="m" title={b.git?.message} className="flex min-w-0 items-center gap-1">
                {triggerLabel(b.trigger, b.triggeredBy) ? (
                  <Badge tone="zinc">{triggerLabel(b.trigger, b.triggeredBy)}</Badge>
                ) : null}
                <span className="truncate">{b.git?.message.split("\n")[0]}</span>
              </span>,
              <span key="a" title={b.artifact?.digest}>
                {b.artifact ? formatBytes(b.artifact.sizeBytes) : "—"}
              </span>,
              <RelativeTime key="t" ms={created} />,
              <span key="d">{created && finished ? formatDuration(finished - created) : "—"}</span>,
            ];
          }}
        />
      ) : null}
    </div>
  );
}
