import type { DeploymentStatus } from "@berth/proto";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useEffect, useMemo, useState } from "react";
import { useLocation, useParams } from "wouter";
import { useDeploymentHistory } from "../../api/queries/deployments.js";
import { VirtualTable } from "../../components/virtual-table.js";
import { useSearchParams } from "../../lib/use-search-params.js";
import {
  parseHistorySearch,
  statusOptions,
  writeHistorySearch,
} from "../../modules/history/history-search-params.js";
import { deploymentCells, deploymentColumns, deploymentHeaders } from "./deployment-columns.js";

/** Deployment history: search by SHA prefix, branch or message; filter by status; virtualised and paged. */
export function DeploymentsPage() {
  const { project, app } = useParams() as { project: string; app: string };
  const base = `/p/${project}/a/${app}`;
  const [, navigate] = useLocation();
  const [params, setParams] = useSearchParams();
  const search = parseHistorySearch(params);
  const [draft, setDraft] = useState(search.q);

  // Typing updates the URL after a short pause, so the URL is always a shareable copy of the view.
  useEffect(() => {
    if (draft.trim() === search.q) return;
    const t = setTimeout(() => setParams((p) => writeHistorySearch(p, { q: draft }), { replace: true }), 200);
    return () => clearTimeout(t);
  }, [draft, search.q, setParams]);

  const history = useDeploymentHistory(project, app, search.q, search.statuses);
  const rows = useMemo(() => history.data?.pages.flatMap((p) => p.deployments) ?? [], [history.data]);
  const statusValue = search.statuses[0];

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <input
          type="search"
          data-shortcut-search
          data-testid="history-search"
          aria-label="Search deployments by SHA, branch or message"
          placeholder="Search SHA prefix, branch:name or message…  ( / )"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          className="w-full max-w-md rounded-md border border-zinc-300 bg-transparent px-3 py-1.5 text-sm dark:border-zinc-700"
        />
        <select
          aria-label="Filter by status"
          value={statusValue === undefined ? "" : String(statusValue)}
          onChange={(e) =>
            setParams((p) =>
              writeHistorySearch(p, {
                statuses: e.target.value ? [Number(e.target.value) as DeploymentStatus] : [],
              }),
            )
          }
          className="rounded-md border border-zinc-300 bg-transparent px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        >
          <option value="">All statuses</option>
          {statusOptions.map((word) => {
            const [value] = parseHistorySearch(new URLSearchParams({ status: word })).statuses;
            return (
              <option key={word} value={String(value)}>
                {word}
              </option>
            );
          })}
        </select>
        <span className="text-xs text-zinc-500 dark:text-zinc-400" aria-live="polite">
          {history.isFetching && !history.isFetchingNextPage
            ? "searching…"
            : `${rows.length}${history.hasNextPage ? "+" : ""} shown`}
        </span>
        <button
          type="button"
          className="ml-auto text-sm text-indigo-600 hover:underline dark:text-indigo-400"
          onClick={() => navigate(`${base}/compare`)}
        >
          Compare two…
        </button>
      </div>
      {history.isPending ? <LoadingState label="Loading deployments…" /> : null}
      {history.error ? <ErrorState error={history.error} onRetry={() => void history.refetch()} /> : null}
      {history.data && rows.length === 0 ? (
        <EmptyState
          title={search.q || search.statuses.length ? "No deployment matches" : "No deployments yet"}
        >
          {search.q
            ? "Try a shorter SHA prefix, or clear the filters."
            : "Run berth up to create the first one."}
        </EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <VirtualTable
          label="Deployments"
          columns={deploymentColumns}
          headers={deploymentHeaders}
          rows={rows}
          rowKey={(d) => d.id}
          rowLabel={(d) => `v${d.seq}`}
          rowTestId="deployment-row"
          renderRow={(d) => deploymentCells(d, base)}
          onRowClick={(d) => navigate(`${base}/deployments/v${d.seq}`)}
          hasNextPage={history.hasNextPage}
          isFetchingNextPage={history.isFetchingNextPage}
          fetchNextPage={() => void history.fetchNextPage()}
        />
      ) : null}
    </div>
  );
}
