import type { Deployment } from "@berth/proto";
import { Card } from "@berth/ui/card";
import { formatDuration } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useParams } from "wouter";
import { useDeploymentBySeq } from "../../api/queries/deployments.js";
import { DeploymentPicker } from "../../components/deployment-picker.js";
import { GitDetails } from "../../components/git-details.js";
import { formatBytes, parseVersion } from "../../lib/format.js";
import { useSearchParams } from "../../lib/use-search-params.js";
import { CommitsBetween } from "../../modules/release/commits-between.js";
import { ConfigDiff } from "../../modules/release/config-diff.js";
import { artifactSizeChange, changeScope, releaseHeadline } from "../../modules/release/release-summary.js";

/** Any two deployments side by side: commits (and those between them), artifact, config differences and timings. ?a=v12&b=v14 */
export function ComparePage() {
  const { project, app } = useParams() as { project: string; app: string };
  const [params, setParams] = useSearchParams();
  const a = parseVersion(params.get("a") ?? undefined);
  const b = parseVersion(params.get("b") ?? undefined);
  const qa = useDeploymentBySeq(project, app, a ?? 0);
  const qb = useDeploymentBySeq(project, app, b ?? 0);
  const set = (name: "a" | "b", seq: number) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      next.set(name, `v${seq}`);
      return next;
    });
  const da = a ? qa.data?.deployment : undefined;
  const db = b ? qb.data?.deployment : undefined;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        Compare
        <DeploymentPicker label="Base" project={project} app={app} value={a} onChange={(s) => set("a", s)} />
        with
        <DeploymentPicker
          label="Target"
          project={project}
          app={app}
          value={b}
          onChange={(s) => set("b", s)}
        />
      </div>
      {!a || !b ? <EmptyState title="Pick two deployments to compare" /> : null}
      {(a && qa.isLoading) || (b && qb.isLoading) ? <LoadingState /> : null}
      {qa.error || qb.error ? <ErrorState error={qa.error ?? qb.error} /> : null}
      {da && db ? (
        <>
          <p className="font-mono text-sm font-medium">{releaseHeadline(app, da, db)}</p>
          <p className="text-sm">{changeScope(da, db, undefined)}</p>
          <div className="grid gap-4 md:grid-cols-2">
            <Side d={da} />
            <Side d={db} />
          </div>
          <Card title={`Commits: v${da.seq} → v${db.seq}`}>
            <CommitsBetween project={project} app={app} fromSeq={da.seq} toSeq={db.seq} />
          </Card>
          <Card title="Artifact">
            <p className="text-sm">{artifactSizeChange(da.artifactSizeBytes, db.artifactSizeBytes)}</p>
          </Card>
          <Card title={`Config: revision ${da.configRevision} → ${db.configRevision}`}>
            <ConfigDiff
              project={project}
              app={app}
              fromRevision={da.configRevision}
              toRevision={db.configRevision}
            />
          </Card>
        </>
      ) : null}
    </div>
  );
}

function Side({ d }: { d: Deployment }) {
  return (
    <Card title={`v${d.seq}`}>
      <dl className="grid grid-cols-[6rem_1fr] gap-y-1 text-sm">
        <GitDetails git={d.git} shaLabel="Commit" />
        <dt className="text-zinc-500 dark:text-zinc-400">Artifact</dt>
        <dd className="truncate" title={d.artifactDigest}>
          {formatBytes(d.artifactSizeBytes)} · {d.artifactDigest.slice(0, 19)}
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Timings</dt>
        <dd>{d.timings.map((t) => `${t.phase} ${formatDuration(t.durationMs)}`).join(" · ") || "—"}</dd>
      </dl>
    </Card>
  );
}
