import { Role } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { useOidcSignIns } from "../../api/queries/oidc-providers.js";

const roleNames: Partial<Record<Role, string>> = {
  [Role.VIEWER]: "viewer",
  [Role.DEPLOYER]: "deployer",
  [Role.ADMIN]: "admin",
};

/** The people who signed in through one provider: email, groups, role, last sign-in, last seen. */
export function ProviderSignIns({ id, name }: { id: string; name: string }) {
  const { data, error, isPending, refetch } = useOidcSignIns(id);
  if (isPending) return <LoadingState label="Loading who signed in…" />;
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (data.signIns.length === 0) return <EmptyState title={`Nobody has signed in through ${name} yet`} />;
  return (
    <table className="w-full text-left text-sm" aria-label={`People who signed in through ${name}`}>
      <thead className="text-xs text-zinc-500 uppercase dark:text-zinc-400">
        <tr>
          <th className="py-1 pr-3 font-medium">Who</th>
          <th className="py-1 pr-3 font-medium">Groups</th>
          <th className="py-1 pr-3 font-medium">Role</th>
          <th className="py-1 pr-3 font-medium">Signed in</th>
          <th className="py-1 pr-3 font-medium">Last seen</th>
          <th className="py-1 font-medium">Live sessions</th>
        </tr>
      </thead>
      <tbody>
        {data.signIns.map((s) => (
          <tr key={s.subject} className="border-t border-zinc-100 dark:border-zinc-800">
            <td className="py-1 pr-3 font-medium">{s.email || s.subject}</td>
            <td className="py-1 pr-3">
              {s.groups.join(", ") || <span className="text-zinc-500">none</span>}
            </td>
            <td className="py-1 pr-3">
              <Badge tone={s.role === Role.ADMIN ? "amber" : "zinc"}>{roleNames[s.role] ?? "none"}</Badge>
            </td>
            <td className="py-1 pr-3">
              {s.signedInAt ? <RelativeTime ms={timestampMs(s.signedInAt)} /> : null}
            </td>
            <td className="py-1 pr-3">
              {s.lastSeenAt ? (
                <RelativeTime ms={timestampMs(s.lastSeenAt)} />
              ) : (
                <span className="text-zinc-500">never</span>
              )}
            </td>
            <td className="py-1">{s.liveSessions}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
