import { ConfigService } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { Card } from "@berth/ui/card";
import { RelativeTime } from "@berth/ui/relative-time";
import { ErrorState, LoadingState } from "@berth/ui/states";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useViewer } from "../../app/app-services.js";
import { tsMs } from "../../lib/proto-time.js";
import { deniedReason } from "../../modules/auth/permissions.js";
import { ConfigChangeList } from "../../modules/release/config-diff.js";

/** The config's revision history, each with its changes and a restore action. */
export function ConfigRevisions({ project, app }: { project: string; app: string }) {
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const revisions = useQuery(ConfigService.method.listConfigRevisions, { project, app, pageSize: 20 });
  const restore = useMutation(ConfigService.method.restoreConfigRevision, {
    onSuccess: () => void queryClient.invalidateQueries(),
  });
  const denied = deniedReason(viewer?.role, "config.write");
  return (
    <Card title="Revisions">
      {revisions.isPending ? <LoadingState label="Loading revisions…" /> : null}
      {revisions.error ? (
        <ErrorState error={revisions.error} onRetry={() => void revisions.refetch()} />
      ) : null}
      {restore.error ? <ErrorState error={restore.error} title="Restore failed" /> : null}
      {revisions.data?.revisions.length === 0 ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No changes yet.</p>
      ) : null}
      <ol className="space-y-3">
        {revisions.data?.revisions.map((r) => (
          <li key={`${r.app}:${r.revision}`} className="text-sm">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium">Revision {r.revision}</span>
              <span className="text-zinc-500 dark:text-zinc-400">
                {r.app ? "app" : "project"} · {r.actor?.name || "someone"} ·{" "}
                <RelativeTime ms={tsMs(r.createdAt)} />
                {r.restoredFrom ? ` · restored from ${r.restoredFrom}` : ""}
              </span>
              <Button
                size="sm"
                variant="ghost"
                className="ml-auto"
                aria-label={`Restore revision ${r.revision}`}
                disabledReason={denied}
                disabled={restore.isPending}
                onClick={() => restore.mutate({ project, app: r.app, revision: r.revision })}
              >
                Restore
              </Button>
            </div>
            <div className="mt-1 pl-2">
              <ConfigChangeList changes={r.changes} />
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}
