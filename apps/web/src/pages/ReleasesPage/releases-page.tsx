import { ReleaseService } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useInfiniteQuery } from "@connectrpc/connect-query";
import { useMemo } from "react";
import { Link, useParams } from "wouter";
import { ShaChip } from "../../components/sha-chip.js";
import { VirtualTable } from "../../components/virtual-table.js";
import { tsMs } from "../../lib/proto-time.js";

/** Every release of the app: what it pointed at, who did it, why, and whether it was a rollback. */
export function ReleasesPage() {
  const { project, app } = useParams() as { project: string; app: string };
  const base = `/p/${project}/a/${app}`;
  const releases = useInfiniteQuery(
    ReleaseService.method.listReleases,
    { app: { project, app }, pageSize: 100, pageToken: "" },
    { pageParamKey: "pageToken", getNextPageParam: (res) => res.nextPageToken || undefined },
  );
  const rows = useMemo(() => releases.data?.pages.flatMap((p) => p.releases) ?? [], [releases.data]);
  if (releases.isPending) return <LoadingState label="Loading releases…" />;
  if (releases.error) return <ErrorState error={releases.error} onRetry={() => void releases.refetch()} />;
  if (rows.length === 0) return <EmptyState title="No releases yet" />;
  return (
    <VirtualTable
      label="Releases"
      columns="4rem minmax(8rem,12rem) 8.5rem 8rem minmax(10rem,1fr) 6.5rem"
      headers={["Release", "Serves", "Commit", "By", "Reason", "When"]}
      rows={rows}
      rowKey={(r) => r.id}
      rowTestId="release-row"
      hasNextPage={releases.hasNextPage}
      isFetchingNextPage={releases.isFetchingNextPage}
      fetchNextPage={() => void releases.fetchNextPage()}
      renderRow={(r) => [
        <span key="s" className="font-medium">
          #{r.seq}
        </span>,
        <span key="t" className="flex items-center gap-1">
          {r.targets.map((t) => (
            <Link key={t.deploymentId} to={`${base}/deployments/v${t.seq}`} className="hover:underline">
              v{t.seq}
              {r.targets.length > 1 ? ` ${t.weight}%` : ""}
            </Link>
          ))}
          {r.rollbackOf ? <Badge tone="amber">rollback</Badge> : null}
          {r.forced ? <Badge tone="red">forced</Badge> : null}
        </span>,
        <ShaChip key="g" git={r.targets[0]?.git} />,
        <span key="a">{r.actor?.name}</span>,
        <span key="r" title={r.reason}>
          {r.reason}
        </span>,
        <RelativeTime key="w" ms={tsMs(r.createdAt)} />,
      ]}
    />
  );
}
