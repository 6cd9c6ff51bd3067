import { ProjectService } from "@berth/proto";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useQuery } from "@connectrpc/connect-query";
import { useMemo } from "react";
import { useSearchParams } from "../../lib/use-search-params.js";
import { catalogChoices, filterCatalog } from "../../modules/catalog/catalog-filter.js";
import { type CatalogHealth, catalogHealthWords } from "../../modules/catalog/catalog-health.js";
import { useEventStream } from "../../modules/events/use-event-stream.js";
import { CatalogRow } from "./catalog-row.js";

const selectClass = "rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700";

function FilterSelect(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
}) {
  return (
    <select
      aria-label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      className={selectClass}
    >
      <option value="">{`Any ${props.label.toLowerCase().replace(/^filter by /, "")}`}</option>
      {props.options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

/**
 * Every app across projects: what it is, who owns it, where its runbook is, what it serves and how that is
 * doing, its last deploy. Searchable and filtered by owner, label and health (kept in the URL, so a filtered
 * view can be shared); kept current by the event stream.
 */
export function CatalogPage() {
  const [params, setParams] = useSearchParams();
  const filter = {
    query: params.get("q") ?? "",
    owner: params.get("owner") ?? "",
    label: params.get("label") ?? "",
    health: (params.get("health") ?? "") as CatalogHealth | "",
  };
  const set = (key: string) => (value: string) =>
    setParams(
      (current) => {
        if (value) current.set(key, value);
        else current.delete(key);
        return current;
      },
      { replace: true },
    );
  useEventStream({});
  const { data, error, isPending, refetch } = useQuery(ProjectService.method.listCatalog, {});
  const entries = data?.entries ?? [];
  const choices = useMemo(() => catalogChoices(entries), [entries]);
  const shown = filterCatalog(entries, filter);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">App catalog</h1>
        <div className="flex flex-wrap items-center gap-2">
          <input
            type="search"
            value={filter.query}
            onChange={(e) => set("q")(e.target.value)}
            placeholder="Name, owner, label (tier=web), description"
            aria-label="Search the catalog"
            className="w-72 rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700"
          />
          <FilterSelect
            label="Filter by owner"
            value={filter.owner}
            options={choices.owners}
            onChange={set("owner")}
          />
          <FilterSelect
            label="Filter by label"
            value={filter.label}
            options={choices.labels}
            onChange={set("label")}
          />
          <FilterSelect
            label="Filter by health"
            value={filter.health}
            options={catalogHealthWords}
            onChange={set("health")}
          />
        </div>
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Each app's <code>description</code>, <code>owner</code>, <code>labels</code> and <code>links</code>{" "}
        come from its berth.hcl.
      </p>
      {isPending ? <LoadingState label="Loading the catalog…" /> : null}
      {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {data && entries.length === 0 ? (
        <EmptyState title="No apps yet">
          Run <code>berth up</code> in an app's directory.
        </EmptyState>
      ) : null}
      {entries.length > 0 && shown.length === 0 ? <EmptyState title="No app matches these filters" /> : null}
      {shown.length > 0 ? (
        <ul
          aria-label="Apps"
          className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
        >
          {shown.map((e) => (
            <CatalogRow key={`${e.application?.project}/${e.application?.name}`} entry={e} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
