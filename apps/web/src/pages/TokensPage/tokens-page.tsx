import { AuthService, Role } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useQuery } from "@connectrpc/connect-query";
import { useState } from "react";
import { useViewer } from "../../app/app-services.js";
import { enumWord } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";
import { tokenState } from "../../modules/access/token-lifetimes.js";
import { CreateTokenForm } from "./create-token-form.js";
import { RevokeTokenButton } from "./revoke-token-button.js";

function When({ ms, never }: { ms: number | undefined; never: string }) {
  return ms ? <RelativeTime ms={ms} /> : <span className="text-zinc-500 dark:text-zinc-400">{never}</span>;
}

/** Personal tokens: make one (shown once), see when each was last used and when it expires, revoke. */
export function TokensPage() {
  const viewer = useViewer();
  const admin = viewer?.role === "admin";
  const [everyone, setEveryone] = useState(false);
  const allUsers = admin && everyone;
  const { data, error, isPending, refetch } = useQuery(AuthService.method.listPersonalTokens, { allUsers });
  const now = Date.now();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">Personal tokens</h1>
        {admin ? (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.target.checked)} />
            Everyone's tokens
          </label>
        ) : null}
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        For CI and scripts (<code>BERTH_TOKEN</code>) and the CLI logins of your one-time codes. A token has
        your role at most and always expires.
      </p>
      <CreateTokenForm />
      {isPending ? <LoadingState label="Loading tokens…" /> : null}
      {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {data && data.tokens.length === 0 ? <EmptyState title="No personal tokens yet" /> : null}
      {data && data.tokens.length > 0 ? (
        <table className="w-full text-left text-sm" aria-label="Personal tokens">
          <thead className="text-xs text-zinc-500 uppercase dark:text-zinc-400">
            <tr>
              <th className="py-1 pr-3 font-medium">Name</th>
              {allUsers ? <th className="py-1 pr-3 font-medium">Owner</th> : null}
              <th className="py-1 pr-3 font-medium">Role</th>
              <th className="py-1 pr-3 font-medium">Created</th>
              <th className="py-1 pr-3 font-medium">Last used</th>
              <th className="py-1 pr-3 font-medium">Expires</th>
              <th className="py-1 font-medium">
                <span className="sr-only">State and actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.tokens.map((t) => {
              const info = t.token;
              const state = tokenState(
                { revokedMs: tsMs(info?.revokedAt), expiresMs: tsMs(info?.expiresAt) },
                now,
              );
              return (
                <tr
                  key={info?.id}
                  className="border-t border-zinc-100 dark:border-zinc-800"
                  aria-label={info?.name}
                >
                  <td className="py-1 pr-3 font-medium">{info?.name}</td>
                  {allUsers ? <td className="py-1 pr-3">{t.owner}</td> : null}
                  <td className="py-1 pr-3">
                    <Badge tone={info?.role === Role.ADMIN ? "amber" : "zinc"}>
                      {enumWord(Role, info?.role ?? 0)}
                    </Badge>
                  </td>
                  <td className="py-1 pr-3">
                    <When ms={tsMs(info?.createdAt)} never="—" />
                  </td>
                  <td className="py-1 pr-3">
                    <When ms={tsMs(info?.lastUsedAt)} never="never" />
                  </td>
                  <td className="py-1 pr-3">
                    <When ms={tsMs(info?.expiresAt)} never="never" />
                  </td>
                  <td className="py-1 text-right">
                    {state === "live" ? (
                      <RevokeTokenButton token={t} />
                    ) : (
                      <Badge tone={state === "revoked" ? "red" : "zinc"}>{state}</Badge>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
