import { RunnerService } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useQuery } from "@connectrpc/connect-query";
import { Link } from "wouter";
import { tsMs } from "../../lib/proto-time.js";
import { useEventStream } from "../../modules/events/use-event-stream.js";

/** Runners with online/offline state and the job each is working on; live. */
export function RunnersPage() {
  useEventStream({});
  const { data, error, isPending, refetch } = useQuery(RunnerService.method.listRunners, {});
  return (
    <div>
      <h1 className="mb-3 text-xl font-semibold">Runners</h1>
      {isPending ? <LoadingState label="Loading runners…" /> : null}
      {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {data && data.runners.length === 0 ? <EmptyState title="No runners registered" /> : null}
      {data && data.runners.length > 0 ? (
        <table className="w-full text-left text-sm" aria-label="Runners">
          <thead className="text-xs text-zinc-500 dark:text-zinc-400 uppercase">
            <tr>
              <th className="py-1 pr-3 font-medium">Name</th>
              <th className="py-1 pr-3 font-medium">Kind</th>
              <th className="py-1 pr-3 font-medium">State</th>
              <th className="py-1 pr-3 font-medium">Current job</th>
              <th className="py-1 font-medium">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {data.runners.map((r) => (
              <tr key={r.id} className="border-t border-zinc-100 dark:border-zinc-800">
                <td className="py-1 pr-3 font-medium">{r.name}</td>
                <td className="py-1 pr-3">{r.kind}</td>
                <td className="py-1 pr-3">
                  <Badge tone={r.online ? "green" : "zinc"}>{r.online ? "online" : "offline"}</Badge>
                </td>
                <td className="py-1 pr-3">
                  {r.currentJobId ? (
                    <Link to={`/jobs/${r.currentJobId}`} className="font-mono text-xs hover:underline">
                      {r.currentJobId}
                    </Link>
                  ) : (
                    <span className="text-zinc-500 dark:text-zinc-400">idle</span>
                  )}
                </td>
                <td className="py-1">
                  <RelativeTime ms={tsMs(r.lastSeenAt)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
