import { Card } from "@berth/ui/card";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useState } from "react";
import { Link } from "wouter";
import { useLiveAt, useLiveIntervals } from "../../api/queries/lifecycle.js";
import { tsMs } from "../../lib/proto-time.js";
import { useSearchParams } from "../../lib/use-search-params.js";
import { LiveIntervalLine } from "./live-interval-line.js";
import { fromLocalInput, toLocalInput } from "./local-time-input.js";
import { ReleaseTimeline } from "./release-timeline.js";

const weekMs = 7 * 86_400_000;

/**
 * "What was live at…": a time picker (kept in the URL as ?at=<epoch ms>, so an answer can be shared; none: now)
 * over the app's release timeline of the last week; clicking a band picks its start. Release events refetch both.
 */
export function LiveAtCard({ project, app }: { project: string; app: string }) {
  const [params, setParams] = useSearchParams();
  const atParam = Number(params.get("at") ?? "");
  const [now] = useState(() => Date.now());
  const at = Number.isFinite(atParam) && atParam > 0 ? atParam : undefined;
  const pick = (ms: number | undefined) =>
    setParams(
      (p) => {
        if (ms === undefined) p.delete("at");
        else p.set("at", String(ms));
        return p;
      },
      { replace: true },
    );
  return (
    <Card
      title="What was live"
      actions={
        <Link
          to={`/p/${project}/sha`}
          className="text-xs text-indigo-600 hover:underline dark:text-indigo-400"
        >
          Find a commit
        </Link>
      }
    >
      <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
        <label className="flex items-center gap-2">
          Live at
          <input
            type="datetime-local"
            value={toLocalInput(at ?? now)}
            onChange={(e) => pick(fromLocalInput(e.target.value))}
            className="rounded-md border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
          />
        </label>
        {at ? (
          <button
            type="button"
            className="text-xs text-indigo-600 hover:underline"
            onClick={() => pick(undefined)}
          >
            Now
          </button>
        ) : null}
      </div>
      <LiveAtAnswer project={project} app={app} at={at} />
      <TimelineSection project={project} app={app} since={now - weekMs} onPick={pick} />
    </Card>
  );
}

function LiveAtAnswer({ project, app, at }: { project: string; app: string; at: number | undefined }) {
  const query = useLiveAt(project, app, at);
  if (query.isPending) return <LoadingState label="Finding what was live…" />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const answer = query.data.apps[0];
  if (!answer || answer.live.length === 0)
    return (
      <EmptyState title={at ? `Nothing was live at ${new Date(at).toLocaleString()}` : "Nothing is live"} />
    );
  return (
    <div className="space-y-2" data-testid="live-at-answer">
      <ul className="space-y-1">
        {answer.live.map((i) => (
          <LiveIntervalLine key={`${i.releaseId}/${i.deploymentId}`} project={project} interval={i} />
        ))}
      </ul>
      {answer.before.length > 0 ? (
        <details className="text-xs text-zinc-600 dark:text-zinc-400">
          <summary>Just before</summary>
          <ul className="mt-1 space-y-0.5">
            {answer.before.map((e) => (
              <li key={e.id}>
                <RelativeTime ms={tsMs(e.time)} /> {e.kind}
                {e.deploymentSeq ? ` v${e.deploymentSeq}` : ""}
                {e.configRevision && e.kind === "config.applied" ? ` rev ${e.configRevision}` : ""}
                {e.actor?.name ? ` by ${e.actor.name}` : ""}
                {e.reason ? ` — ${e.reason}` : ""}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function TimelineSection({
  project,
  app,
  since,
  onPick,
}: {
  project: string;
  app: string;
  since: number;
  onPick: (ms: number) => void;
}) {
  const query = useLiveIntervals(project, app, since);
  if (query.isPending) return <LoadingState label="Loading the release timeline…" />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data.intervals.length === 0) return <EmptyState title="No releases in the last 7 days" />;
  return (
    <ReleaseTimeline
      intervals={query.data.intervals}
      events={query.data.events}
      fromMs={since}
      nowMs={Date.now()}
      onPick={onPick}
    />
  );
}
