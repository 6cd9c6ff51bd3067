import type { LiveInterval } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { Link } from "wouter";
import { ShaChip } from "../../components/sha-chip.js";
import { tsMs } from "../../lib/proto-time.js";

/** One deployment's share of traffic: vN, weight, commit (linked to its life), config, since when, by which release. */
export function LiveIntervalLine({ project, interval: i }: { project: string; interval: LiveInterval }) {
  const base = `/p/${project}/a/${i.app}`;
  return (
    <li className="flex flex-wrap items-center gap-2 text-sm">
      <Link to={`${base}/deployments/v${i.deploymentSeq}`} className="font-medium hover:underline">
        v{i.deploymentSeq}
      </Link>
      <Badge tone="indigo">{i.weight}%</Badge>
      <ShaChip git={i.git} />
      {i.git?.sha ? (
        <Link
          to={`/p/${project}/sha/${i.git.sha}`}
          className="text-xs text-indigo-600 hover:underline dark:text-indigo-400"
        >
          Life of this commit
        </Link>
      ) : null}
      <span className="text-xs text-zinc-500 dark:text-zinc-400">
        {i.configRevision ? `config rev ${i.configRevision} · ` : ""}
        since <RelativeTime ms={tsMs(i.from)} /> by release #{i.releaseSeq}
        {i.actor?.name ? ` (${i.actor.name})` : ""}
      </span>
      {i.rollback ? <Badge tone="amber">rollback</Badge> : null}
      {i.reason ? <span className="min-w-0 truncate text-xs">“{i.reason}”</span> : null}
    </li>
  );
}
