import { ProjectService } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useQuery } from "@connectrpc/connect-query";
import { Link, useParams } from "wouter";
import { tsMs } from "../../lib/proto-time.js";
import { DeleteProjectButton } from "../../modules/cleanup/delete-project-button.js";

/** A project's apps with their released version and URL. */
export function ProjectPage() {
  const project = useParams().project!;
  const { data, error, isPending, refetch } = useQuery(ProjectService.method.listApplications, { project });
  return (
    <div>
      <div className="mb-4 flex items-center justify-between">
        <h1 className="text-xl font-semibold">{project}</h1>
        <div className="flex items-center gap-4">
          <Link
            to={`/p/${project}/notifications`}
            className="text-sm text-indigo-600 hover:underline dark:text-indigo-400"
          >
            Notifications
          </Link>
          <Link
            to={`/p/${project}/webhooks`}
            className="text-sm text-indigo-600 hover:underline dark:text-indigo-400"
          >
            Webhooks
          </Link>
          <Link
            to={`/p/${project}/config`}
            className="text-sm text-indigo-600 hover:underline dark:text-indigo-400"
          >
            Project config
          </Link>
          <DeleteProjectButton project={project} />
        </div>
      </div>
      {isPending ? <LoadingState label="Loading apps…" /> : null}
      {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {data && data.applications.length === 0 ? <EmptyState title="This project has no apps yet" /> : null}
      {data && data.applications.length > 0 ? (
        <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {data.applications.map((a) => (
            <li key={a.name} className="flex flex-wrap items-center gap-3 p-3">
              <Link to={`/p/${project}/a/${a.name}`} className="font-medium hover:underline">
                {a.name}
              </Link>
              {a.releasedSeq ? (
                <Badge tone="indigo">v{a.releasedSeq} released</Badge>
              ) : (
                <Badge>not released</Badge>
              )}
              {a.url ? (
                <a
                  href={a.url}
                  target="_blank"
                  rel="noreferrer"
                  className="truncate text-sm text-zinc-500 dark:text-zinc-400 hover:underline"
                >
                  {a.url}
                </a>
              ) : null}
              <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">
                updated <RelativeTime ms={tsMs(a.updatedAt)} />
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
