import type { Deployment } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { formatDuration, RelativeTime } from "@berth/ui/relative-time";
import { Link } from "wouter";
import { ShaChip } from "../../components/sha-chip.js";
import { deploymentStatusWord, deploymentTone } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";
import { triggerLabel } from "../../modules/git/trigger-label.js";

export const deploymentColumns =
  "4.5rem 10rem 8.5rem 7rem minmax(10rem,1fr) 7rem 6.5rem 5rem minmax(6rem,12rem)";

export const deploymentHeaders = [
  "Version",
  "Status",
  "Commit",
  "Branch",
  "Message",
  "Author",
  "Age",
  "Took",
  "URL",
];

/** The cells of one history row. Every string here is rendered as text, never HTML. */
export function deploymentCells(d: Deployment, base: string) {
  const created = tsMs(d.createdAt);
  const finished = tsMs(d.finishedAt);
  return [
    <span key="v" className="flex items-center gap-1">
      <Link
        to={`${base}/deployments/v${d.seq}`}
        className="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
      >
        v{d.seq}
      </Link>
    </span>,
    <span key="s" className="flex items-center gap-1">
      <Badge tone={deploymentTone(d.status)}>{deploymentStatusWord(d.status)}</Badge>
      {d.released ? <Badge tone="indigo">released</Badge> : null}
      {d.pinned ? <Badge tone="green">pinned</Badge> : null}
    </span>,
    <ShaChip key="sha" git={d.git} />,
    <span key="b" title={d.git?.branch}>
      {d.git?.branch}
    </span>,
    <span key="m" title={d.git?.message} className="flex min-w-0 items-center gap-1">
      {triggerLabel(d.trigger, d.triggeredBy) ? (
        <Badge tone="zinc">{triggerLabel(d.trigger, d.triggeredBy)}</Badge>
      ) : null}
      <span className="truncate">{d.git?.message.split("\n")[0]}</span>
    </span>,
    <span key="a" title={d.git?.author}>
      {d.git?.author}
    </span>,
    <RelativeTime key="t" ms={created} />,
    <span key="d">{created && finished ? formatDuration(finished - created) : "—"}</span>,
    d.url ? (
      <a
        key="u"
        href={d.url}
        target="_blank"
        rel="noreferrer"
        onClick={(e) => e.stopPropagation()}
        className="text-zinc-500 dark:text-zinc-400 hover:underline"
        title={d.url}
      >
        {d.url.replace(/^https?:\/\//, "")}
      </a>
    ) : (
      <span key="u" />
    ),
  ];
}
