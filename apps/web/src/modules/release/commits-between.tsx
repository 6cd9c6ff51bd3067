import type { GitCommit, ListCommitsBetweenResponse } from "@berth/proto";
import { RelativeTime } from "@berth/ui/relative-time";
import { ErrorState } from "@berth/ui/states";
import { useCommitsBetween } from "../../api/queries/deployments.js";
import { shortSha } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";

/** How many commits of each list are shown; the rest are counted. */
const shownCommits = 20;

const muted = "text-sm text-zinc-500 dark:text-zinc-400";

/** "1 commit", "3 commits" */
const commitCount = (n: number) => `${n} commit${n === 1 ? "" : "s"}`;

/** Why there is no list, when there is none; undefined when there is one. */
function emptyReason(r: ListCommitsBetweenResponse): string | undefined {
  if (r.historyMissing) return "No commit history recorded for these deployments.";
  if (r.unrelated) return "Unrelated histories: the two commits share no ancestor.";
  if (r.truncated) return "No common commit within the last 200 recorded commits: too far apart to list.";
  if (r.added.length === 0 && r.removed.length === 0) return "Same commit.";
  return undefined;
}

/**
 * The commits between two deployments of an app: added going from `fromSeq` to `toSeq` (a release forward),
 * removed going back (a rollback); both when the histories diverged. Subjects render as text, never HTML.
 */
export function CommitsBetween(props: { project: string; app: string; fromSeq: number; toSeq: number }) {
  const { data, error, isLoading, refetch } = useCommitsBetween(
    props.project,
    props.app,
    props.fromSeq,
    props.toSeq,
  );
  if (isLoading) return <p className={muted}>Listing commits…</p>;
  if (error)
    return <ErrorState error={error} onRetry={() => void refetch()} title="Could not list the commits" />;
  if (!data) return null;
  const reason = emptyReason(data);
  if (reason) return <p className={muted}>{reason}</p>;
  return (
    <div className="space-y-2">
      {data.added.length ? <CommitList kind="added" commits={data.added} /> : null}
      {data.removed.length ? <CommitList kind="removed" commits={data.removed} /> : null}
    </div>
  );
}

function CommitList({ kind, commits }: { kind: "added" | "removed"; commits: readonly GitCommit[] }) {
  const more = commits.length - shownCommits;
  return (
    <div>
      <p className="text-sm font-medium">
        {commitCount(commits.length)} {kind}:
      </p>
      <ol aria-label={`Commits ${kind}`} className="space-y-0.5 text-sm">
        {commits.slice(0, shownCommits).map((c) => (
          <li key={c.sha} className="flex min-w-0 items-baseline gap-2">
            <code title={c.sha} className="shrink-0 font-mono text-xs">
              {shortSha(c.sha)}
            </code>
            <span className="min-w-0 truncate" title={c.subject}>
              {c.subject}
            </span>
            <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400" title={c.author}>
              {c.author.replace(/\s*<[^>]*>$/, "")}
            </span>
            <span className="shrink-0 text-xs text-zinc-500 dark:text-zinc-400">
              <RelativeTime ms={tsMs(c.commitTime)} />
            </span>
          </li>
        ))}
      </ol>
      {more > 0 ? <p className={muted}>and {more} more</p> : null}
    </div>
  );
}
