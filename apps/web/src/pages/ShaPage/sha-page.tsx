import type { GetShaLifecycleResponse } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { Card } from "@berth/ui/card";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useState } from "react";
import { Link, useLocation, useParams } from "wouter";
import { shaPrefixPattern, useShaLifecycle } from "../../api/queries/lifecycle.js";
import { GitDetails } from "../../components/git-details.js";
import { buildStatusWord, buildTone, deploymentStatusWord, deploymentTone } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";
import { LiveIntervalLine } from "../../modules/lifecycle/live-interval-line.js";
import { servedFor } from "../../modules/lifecycle/timeline-bands.js";

/** The life of a commit: its builds, deployments, releases and rollbacks, how long it served, its config. */
export function ShaPage() {
  const { project, sha = "" } = useParams() as { project: string; sha?: string };
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState(sha);
  const prefix = sha.toLowerCase();
  const valid = shaPrefixPattern.test(prefix);
  const query = useShaLifecycle(project, prefix);
  return (
    <div className="space-y-4">
      <form
        aria-label="Find a commit"
        className="flex flex-wrap items-center gap-2 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(`/p/${project}/sha/${encodeURIComponent(draft.trim().toLowerCase())}`);
        }}
      >
        <label className="flex items-center gap-2">
          Commit SHA
          <input
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="4–40 hex characters"
            className="w-80 rounded-md border border-zinc-300 bg-transparent px-2 py-1 font-mono dark:border-zinc-700"
          />
        </label>
        <button type="submit" className="rounded-md border border-zinc-300 px-3 py-1 dark:border-zinc-700">
          Find
        </button>
      </form>
      {!sha ? (
        <EmptyState title="Paste a commit SHA to see its life" />
      ) : !valid ? (
        <EmptyState title="A SHA prefix is 4–40 hex characters" />
      ) : query.isPending ? (
        <LoadingState label={`Looking up ${prefix}…`} />
      ) : query.error ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.shas.length === 0 ? (
        <EmptyState title={`No build or deployment in ${project} comes from ${prefix}`} />
      ) : (
        <ShaLife project={project} data={query.data} />
      )}
    </div>
  );
}

function ShaLife({ project, data }: { project: string; data: GetShaLifecycleResponse }) {
  const git = data.deployments[0]?.git ?? data.builds[0]?.git;
  const served = new Map(data.served.map((s) => [s.deploymentId, s]));
  return (
    <>
      {data.shas.length > 1 ? (
        <p className="text-sm text-amber-700 dark:text-amber-400">
          This prefix matches {data.shas.length} commits; type more characters to pick one.
        </p>
      ) : null}
      {git ? (
        <Card title="Commit">
          <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1 text-sm">
            <GitDetails git={git} shaLabel="SHA" />
          </dl>
        </Card>
      ) : null}
      <Card title="Deployments">
        {data.deployments.length === 0 ? <p className="text-sm">Never deployed.</p> : null}
        <ul className="space-y-1 text-sm">
          {data.deployments.map((d) => {
            const s = served.get(d.id);
            const base = `/p/${project}/a/${d.app}`;
            return (
              <li key={d.id} className="flex flex-wrap items-center gap-2">
                <Link to={`${base}/deployments/v${d.seq}`} className="font-medium hover:underline">
                  {d.app} v{d.seq}
                </Link>
                <Badge tone={deploymentTone(d.status)}>{deploymentStatusWord(d.status)}</Badge>
                {s?.live ? <Badge tone="indigo">live</Badge> : null}
                <span className="text-zinc-600 dark:text-zinc-400">
                  {s ? `served ${servedFor(Number(s.servedMs))}` : "never released"}
                  {d.configRevision ? ` · config rev ${d.configRevision}` : ""}
                </span>
                {d.jobId ? (
                  <Link to={`/jobs/${d.jobId}`} className="text-xs text-indigo-600 hover:underline">
                    Deploy output
                  </Link>
                ) : null}
                <Link
                  to={`${base}/logs?deployment=v${d.seq}`}
                  className="text-xs text-indigo-600 hover:underline"
                >
                  Logs
                </Link>
              </li>
            );
          })}
        </ul>
      </Card>
      <Card title="Builds">
        {data.builds.length === 0 ? <p className="text-sm">No builds recorded.</p> : null}
        <ul className="space-y-1 text-sm">
          {data.builds.map((b) => (
            <li key={b.id} className="flex flex-wrap items-center gap-2">
              <span className="font-medium">
                {b.app} #{b.seq}
              </span>
              <Badge tone={buildTone(b.status)}>{buildStatusWord(b.status)}</Badge>
              <RelativeTime ms={tsMs(b.createdAt)} />
              {b.jobId ? (
                <Link to={`/jobs/${b.jobId}`} className="text-xs text-indigo-600 hover:underline">
                  Build output
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Served">
        {data.intervals.length === 0 ? <p className="text-sm">Never released.</p> : null}
        <ul className="space-y-1">
          {data.intervals.map((i) => (
            <LiveIntervalLine key={`${i.releaseId}/${i.deploymentId}`} project={project} interval={i} />
          ))}
        </ul>
      </Card>
      <Card title="Lifecycle">
        <ol className="space-y-0.5 text-sm" aria-label="Lifecycle events">
          {data.events.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center gap-2">
              <RelativeTime ms={tsMs(e.time)} />
              <Badge tone={e.kind === "rollback" ? "amber" : e.kind.endsWith("failed") ? "red" : "zinc"}>
                {e.kind}
              </Badge>
              <span>
                {e.app}
                {e.deploymentSeq && !e.targets.length ? ` v${e.deploymentSeq}` : ""}
                {e.buildSeq && e.kind.startsWith("build") ? ` #${e.buildSeq}` : ""}
                {e.targets.length
                  ? ` → ${e.targets.map((t) => `v${t.deploymentSeq} ${t.weight}%`).join(", ")}`
                  : ""}
              </span>
              {e.actor?.name ? <span className="text-zinc-500">by {e.actor.name}</span> : null}
              {e.reason ? <span className="min-w-0 truncate">“{e.reason}”</span> : null}
            </li>
          ))}
        </ol>
      </Card>
      {data.configRevisions.length > 0 ? (
        <Card title="Config revisions it ran with">
          <ul className="space-y-0.5 text-sm">
            {data.configRevisions.map((r) => (
              <li key={r.revision}>
                rev {r.revision} ({r.app || "project"}) by {r.actor?.name || "someone"},{" "}
                <RelativeTime ms={tsMs(r.createdAt)} />:{" "}
                {r.changes.map((c) => `${c.name} ${c.change}`).join(", ")}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </>
  );
}
