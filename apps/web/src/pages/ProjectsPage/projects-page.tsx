import { ProjectService } from "@berth/proto";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useQuery } from "@connectrpc/connect-query";
import { Link } from "wouter";

/** Every project and its apps: the first page after sign-in. */
export function ProjectsPage() {
  const { data, error, isPending, refetch } = useQuery(ProjectService.method.listProjects, {});
  if (isPending) return <LoadingState label="Loading projects…" />;
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (data.projects.length === 0)
    return (
      <EmptyState title="No projects yet">
        Run <code>berth up</code> next to a <code>berth.hcl</code> to create one.
      </EmptyState>
    );
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {data.projects.map((p) => (
        <section key={p.name} className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
          <h2 className="font-semibold">
            <Link to={`/p/${p.name}`} className="hover:underline">
              {p.name}
            </Link>
          </h2>
          <ul className="mt-2 space-y-1 text-sm">
            {p.applications.length === 0 ? (
              <li className="text-zinc-500 dark:text-zinc-400">No apps</li>
            ) : null}
            {p.applications.map((a) => (
              <li key={a}>
                <Link
                  to={`/p/${p.name}/a/${a}`}
                  className="text-indigo-600 hover:underline dark:text-indigo-400"
                >
                  {a}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
