import type { GitInfo } from "@berth/proto";
import { ShaChip } from "./sha-chip.js";

/** A commit's rows for a description list: the SHA (labelled `shaLabel`), branch, author and message. */
export function GitDetails({ git, shaLabel }: { git: GitInfo | undefined; shaLabel: string }) {
  return (
    <>
      <dt className="text-zinc-500 dark:text-zinc-400">{shaLabel}</dt>
      <dd>
        <ShaChip git={git} />
      </dd>
      <dt className="text-zinc-500 dark:text-zinc-400">Branch</dt>
      <dd>{git?.branch || "—"}</dd>
      <dt className="text-zinc-500 dark:text-zinc-400">Author</dt>
      <dd>{git?.author || "—"}</dd>
      <dt className="text-zinc-500 dark:text-zinc-400">Message</dt>
      <dd className="break-words whitespace-pre-wrap">{git?.message || "—"}</dd>
    </>
  );
}
