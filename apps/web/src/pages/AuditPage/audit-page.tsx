import { AuditService } from "@berth/proto";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useInfiniteQuery } from "@connectrpc/connect-query";
import { useEffect, useMemo, useState } from "react";
import { VirtualTable } from "../../components/virtual-table.js";
import { tsMs } from "../../lib/proto-time.js";
import { useSearchParams } from "../../lib/use-search-params.js";

const fields = ["project", "app", "action", "actor"] as const;
const control =
  "rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** Who released, rolled back, exec'd or changed config, and when; filters live in the URL. */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(fields.map((f) => [f, params.get(f) ?? ""])) as Record<
    (typeof fields)[number],
    string
  >;
  const [draft, setDraft] = useState(filter);
  const filterKey = JSON.stringify(filter);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the draft resets when the URL's filter changes
  useEffect(() => setDraft(filter), [filterKey]);
  const events = useInfiniteQuery(
    AuditService.method.listAuditEvents,
    { ...filter, pageSize: 100, pageToken: "" },
    { pageParamKey: "pageToken", getNextPageParam: (res) => res.nextPageToken || undefined },
  );
  const rows = useMemo(() => events.data?.pages.flatMap((p) => p.events) ?? [], [events.data]);
  return (
    <div>
      <h1 className="mb-3 text-xl font-semibold">Audit log</h1>
      <form
        className="mb-3 flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(Object.fromEntries(Object.entries(draft).filter(([, v]) => v.trim())));
        }}
      >
        {fields.map((f) => (
          <input
            key={f}
            aria-label={`Filter by ${f}`}
            placeholder={f === "action" ? "action (release, exec…)" : f}
            value={draft[f]}
            onChange={(e) => setDraft({ ...draft, [f]: e.target.value })}
            className={`${control} w-40`}
          />
        ))}
        <button type="submit" className={control}>
          Filter
        </button>
      </form>
      {events.isPending ? <LoadingState label="Loading audit events…" /> : null}
      {events.error ? <ErrorState error={events.error} onRetry={() => void events.refetch()} /> : null}
      {events.data && rows.length === 0 ? <EmptyState title="No audit events match" /> : null}
      {rows.length > 0 ? (
        <VirtualTable
          label="Audit events"
          columns="8rem 8rem 9rem minmax(8rem,12rem) minmax(10rem,1fr)"
          headers={["When", "Who", "Action", "App", "Target and details"]}
          rows={rows}
          rowKey={(e) => e.id}
          rowTestId="audit-row"
          hasNextPage={events.hasNextPage}
          isFetchingNextPage={events.isFetchingNextPage}
          fetchNextPage={() => void events.fetchNextPage()}
          renderRow={(e) => [
            <RelativeTime key="t" ms={tsMs(e.time)} />,
            <span key="w">{e.actor?.name}</span>,
            <code key="a" className="font-mono text-xs">
              {e.action}
            </code>,
            <span key="p">{e.app ? `${e.project}/${e.app}` : e.project}</span>,
            <span key="d" title={`${e.target} ${e.detailsJson}`} className="font-mono text-xs">
              {e.targetLabel || e.target} {e.detailsJson}
            </span>,
          ]}
        />
      ) : null}
    </div>
  );
}
