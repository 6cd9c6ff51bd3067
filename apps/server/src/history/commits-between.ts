// The commits between two deployments, from first-parent chains the server recorded (a pure function; the
// store walk is in commit-history.ts).

/** A recorded commit. */
export interface ChainCommit {
  sha: string;
  /** "" for a root commit. */
  parentSha: string;
  author: string;
  subject: string;
  commitTimeMs: number | null;
}

/** A first-parent chain from a commit (included when recorded), newest first, and why the walk stopped. */
export interface CommitChain {
  commits: ChainCommit[];
  /** "root": reached a root commit; "missing": the next parent was never recorded; "bound": the walk's limit. */
  end: "root" | "missing" | "bound";
}

export interface CommitsBetween {
  /** In `to`'s history, not in `from`'s; newest first. */
  added: ChainCommit[];
  /** In `from`'s history, not in `to`'s; newest first. */
  removed: ChainCommit[];
  truncated: boolean;
  unrelated: boolean;
  historyMissing: boolean;
}

const none: CommitsBetween = {
  added: [],
  removed: [],
  truncated: false,
  unrelated: false,
  historyMissing: false,
};

/**
 * Compares two first-parent chains at their nearest common commit: the commits before it on `to`'s side
 * were added, those on `from`'s side removed. A commit that was never recorded still counts as the start
 * of its own chain, so a rollback to an old deployment works from the newer one's history alone.
 */
export function commitsBetween(
  fromSha: string,
  from: CommitChain,
  toSha: string,
  to: CommitChain,
): CommitsBetween {
  if (!fromSha || !toSha) return { ...none, historyMissing: true };
  if (fromSha === toSha) return none;
  const fromShas = from.commits.length ? from.commits.map((c) => c.sha) : [fromSha];
  const toShas = to.commits.length ? to.commits.map((c) => c.sha) : [toSha];
  const fromIndex = new Map(fromShas.map((sha, i) => [sha, i]));
  for (const [j, sha] of toShas.entries()) {
    const i = fromIndex.get(sha);
    if (i !== undefined) return { ...none, added: to.commits.slice(0, j), removed: from.commits.slice(0, i) };
  }
  // No common commit: more history (beyond the bound, or never recorded) may still link them.
  if (from.end === "bound" || to.end === "bound") return { ...none, truncated: true };
  if (from.end === "missing" || to.end === "missing") return { ...none, historyMissing: true };
  return { ...none, unrelated: true };
}
