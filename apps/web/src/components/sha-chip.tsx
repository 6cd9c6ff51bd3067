import type { GitInfo } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { CopyButton } from "@berth/ui/copy-button";
import { shortSha } from "../lib/format.js";

/** The short SHA (full one on hover), a copy button, and a "dirty" mark for uncommitted builds. */
export function ShaChip({ git }: { git: GitInfo | undefined }) {
  if (!git?.sha) return <span className="text-zinc-500 dark:text-zinc-400">no git</span>;
  return (
    <span className="inline-flex items-center gap-1">
      <code title={git.sha} className="font-mono text-xs">
        {shortSha(git.sha)}
      </code>
      <CopyButton value={git.sha} label={`Copy commit SHA ${shortSha(git.sha)}`} />
      {git.dirty ? <Badge tone="amber">dirty</Badge> : null}
    </span>
  );
}
