import { type Application, ProjectService } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useQuery } from "@connectrpc/connect-query";
import { useState } from "react";
import { Link } from "wouter";
import { matchesApp } from "../../modules/catalog/match-app.js";

function AppRow({ app }: { app: Application }) {
  return (
    <li
      className="flex flex-wrap items-start gap-x-4 gap-y-1 p-3 text-sm"
      aria-label={`${app.project}/${app.name}`}
    >
      <div className="min-w-48">
        <Link to={`/p/${app.project}/a/${app.name}`} className="font-medium hover:underline">
          {app.name}
        </Link>
        <span className="text-zinc-500 dark:text-zinc-400"> · {app.project}</span>
        {app.owner ? (
          <div className="text-xs text-zinc-500 dark:text-zinc-400">owner: {app.owner}</div>
        ) : null}
      </div>
      <div className="min-w-0 flex-1">
        {app.description ? <p>{app.description}</p> : null}
        <div className="mt-1 flex flex-wrap gap-1">
          {Object.entries(app.labels).map(([k, v]) => (
            <Badge key={k}>
              {k}={v}
            </Badge>
          ))}
        </div>
      </div>
      <div className="flex flex-wrap gap-2">
        {Object.entries(app.links).map(([name, href]) => (
          <a
            key={name}
            href={href}
            target="_blank"
            rel="noreferrer noopener"
            className="text-indigo-600 hover:underline dark:text-indigo-400"
          >
            {name}
          </a>
        ))}
      </div>
      <div className="w-40 text-right">
        {app.releasedSeq ? (
          <span>
            {app.releasedTargets.length > 1
              ? app.releasedTargets.map((t) => `v${t.seq} ${t.weight}%`).join(" + ")
              : `v${app.releasedSeq}`}
          </span>
        ) : (
          <span className="text-zinc-500 dark:text-zinc-400">not released</span>
        )}
      </div>
    </li>
  );
}

/** One project's apps that match the search (each project is its own query: one slow project delays only itself). */
function ProjectApps({ project, query }: { project: string; query: string }) {
  const { data, error, isPending } = useQuery(ProjectService.method.listApplications, { project });
  if (isPending) return <li className="p-3 text-sm text-zinc-500">Loading {project}…</li>;
  if (error)
    return (
      <li className="p-3">
        <ErrorState error={error} title={`Cannot list ${project}'s apps`} />
      </li>
    );
  return (
    <>
      {data.applications
        .filter((a) => matchesApp(a, query))
        .map((a) => (
          <AppRow key={`${a.project}/${a.name}`} app={a} />
        ))}
    </>
  );
}

/** Every app across projects: what it is, who owns it, where its runbook is, what it serves. Searchable. */
export function CatalogPage() {
  const [query, setQuery] = useState("");
  const projects = useQuery(ProjectService.method.listProjects, {});
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">App catalog</h1>
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Name, owner, label (tier=web), description"
          aria-label="Search the catalog"
          className="w-80 rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700"
        />
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Each app's <code>description</code>, <code>owner</code>, <code>labels</code> and <code>links</code>{" "}
        come from its berth.hcl.
      </p>
      {projects.isPending ? <LoadingState label="Loading projects…" /> : null}
      {projects.error ? <ErrorState error={projects.error} onRetry={() => void projects.refetch()} /> : null}
      {projects.data && projects.data.projects.length === 0 ? (
        <EmptyState title="No apps yet">
          Run <code>berth up</code> in an app's directory.
        </EmptyState>
      ) : null}
      {projects.data && projects.data.projects.length > 0 ? (
        <ul
          aria-label="Apps"
          className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
        >
          {projects.data.projects.map((p) => (
            <ProjectApps key={p.name} project={p.name} query={query} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
