import { AuthService } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useQuery } from "@connectrpc/connect-query";
import { useViewer } from "../../app/app-services.js";
import { accessRows } from "../../modules/access/access-rows.js";
import { RevokeAccessButton } from "./revoke-access-button.js";

/** Users and sessions (admins): every live way in, through what, last seen, and a revoke button. */
export function UsersPage() {
  const viewer = useViewer();
  const admin = viewer?.role === "admin";
  const { data, error, isPending, refetch } = useQuery(AuthService.method.listTokens, {}, { enabled: admin });
  if (!admin) {
    return (
      <EmptyState title="Only admins see who has access">
        Ask an admin if someone's access must end.
      </EmptyState>
    );
  }
  const rows = data ? accessRows(data.tokens, Date.now()) : [];
  return (
    <div>
      <h1 className="mb-3 text-xl font-semibold">Users and sessions</h1>
      {isPending ? <LoadingState label="Loading who has access…" /> : null}
      {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {data && rows.length === 0 ? <EmptyState title="No live login tokens" /> : null}
      {rows.length > 0 ? (
        <table className="w-full text-left text-sm" aria-label="Users and sessions">
          <thead className="text-xs text-zinc-500 uppercase dark:text-zinc-400">
            <tr>
              <th className="py-1 pr-3 font-medium">Who</th>
              <th className="py-1 pr-3 font-medium">Through</th>
              <th className="py-1 pr-3 font-medium">Role</th>
              <th className="py-1 pr-3 font-medium">Last seen</th>
              <th className="py-1 pr-3 font-medium">Expires</th>
              <th className="py-1 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.tokenId} className="border-t border-zinc-100 dark:border-zinc-800">
                <td className="py-1 pr-3 font-medium">{r.who}</td>
                <td className="py-1 pr-3">{r.through}</td>
                <td className="py-1 pr-3">
                  <Badge tone={r.role === "admin" ? "amber" : "zinc"}>{r.role}</Badge>
                </td>
                <td className="py-1 pr-3">
                  {r.lastUsedMs ? (
                    <RelativeTime ms={r.lastUsedMs} />
                  ) : (
                    <span className="text-zinc-500">never</span>
                  )}
                </td>
                <td className="py-1 pr-3">
                  {r.expiresMs ? (
                    <RelativeTime ms={r.expiresMs} />
                  ) : (
                    <span className="text-zinc-500">never</span>
                  )}
                </td>
                <td className="py-1 text-right">
                  <RevokeAccessButton row={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
