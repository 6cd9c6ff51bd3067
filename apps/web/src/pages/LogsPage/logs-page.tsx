import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useState } from "react";
import { useParams } from "wouter";
import { useReleasedDeployment } from "../../api/queries/applications.js";
import { useDeploymentBySeq, useInstances } from "../../api/queries/deployments.js";
import { DeploymentPicker } from "../../components/deployment-picker.js";
import { parseVersion } from "../../lib/format.js";
import { useSearchParams } from "../../lib/use-search-params.js";
import { LogView } from "../../modules/logs/log-view.js";
import { useLogStream } from "../../modules/logs/use-log-stream.js";

const control =
  "rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** Live logs of a deployment (all instances merged) or one instance; ?deployment=v12&instance=… in the URL. */
export function LogsPage() {
  const { project, app } = useParams() as { project: string; app: string };
  const [params, setParams] = useSearchParams();
  const { released, isLoading: releasedLoading } = useReleasedDeployment(project, app);
  const seq = parseVersion(params.get("deployment") ?? undefined) ?? released?.seq;
  const deployment = useDeploymentBySeq(project, app, seq ?? 0);
  const dep = seq ? deployment.data?.deployment : undefined;
  const instances = useInstances(dep?.id);
  const instanceId = params.get("instance") ?? undefined;
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const sinceMs = since ? new Date(since).getTime() : undefined;
  const untilMs = until ? new Date(until).getTime() : undefined;
  const [retry, setRetry] = useState(0);
  const stream = useLogStream(
    dep ? { deploymentId: dep.id, instanceId, sinceMs, untilMs, tailLines: 2000, retry } : undefined,
  );
  const setParam = (name: string, value: string | undefined) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(name, value);
      else next.delete(name);
      return next;
    });
  const ids = instances.data?.instances.map((i) => i.id) ?? [];

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <DeploymentPicker
          project={project}
          app={app}
          value={seq}
          onChange={(s) => setParam("deployment", `v${s}`)}
        />
        <select
          aria-label="Instance"
          value={instanceId ?? ""}
          onChange={(e) => setParam("instance", e.target.value || undefined)}
          className={control}
        >
          <option value="">All instances (merged)</option>
          {ids.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
        <label className="flex items-center gap-1 text-sm">
          Since
          <input
            type="datetime-local"
            aria-label="Since"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            className={control}
          />
        </label>
        <label className="flex items-center gap-1 text-sm">
          Until
          <input
            type="datetime-local"
            aria-label="Until"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            className={control}
          />
        </label>
      </div>
      {!seq && releasedLoading ? <LoadingState /> : null}
      {!seq && !releasedLoading ? <EmptyState title="Choose a deployment to see its logs" /> : null}
      {seq && deployment.error ? (
        <ErrorState error={deployment.error} onRetry={() => void deployment.refetch()} />
      ) : null}
      {stream.status === "failed" ? (
        <ErrorState
          error={stream.error}
          title="The log stream stopped"
          onRetry={() => setRetry((n) => n + 1)}
        />
      ) : null}
      {stream.error && stream.status === "reconnecting" && stream.lines.length === 0 ? (
        <ErrorState error={stream.error} title="The log stream failed; retrying" />
      ) : null}
      {dep ? <LogView stream={stream} instanceIds={ids} /> : null}
    </div>
  );
}
