import type { CatalogEntry } from "@berth/proto";
import { Badge, type Tone } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { Link } from "wouter";
import { ShaChip } from "../../components/sha-chip.js";
import { tsMs } from "../../lib/proto-time.js";
import { type CatalogHealth, catalogHealth } from "../../modules/catalog/catalog-health.js";

const healthTone: Record<CatalogHealth, Tone> = {
  healthy: "green",
  degraded: "amber",
  unhealthy: "red",
  deploying: "blue",
  "not released": "zinc",
};

/** One app of the catalog: what it is, who owns it, what it serves and how that is doing, its last deploy. */
export function CatalogRow({ entry }: { entry: CatalogEntry }) {
  const app = entry.application!;
  const health = catalogHealth(entry);
  const lastMs = tsMs(entry.lastDeployAt);
  return (
    <li
      className="grid grid-cols-1 gap-x-4 gap-y-1 p-3 text-sm md:grid-cols-[12rem_1fr_10rem_11rem]"
      aria-label={`${app.project}/${app.name}`}
    >
      <div>
        <Link to={`/p/${app.project}/a/${app.name}`} className="font-medium hover:underline">
          {app.name}
        </Link>
        <span className="text-zinc-500 dark:text-zinc-400"> · {app.project}</span>
        {app.owner ? (
          <div className="text-xs text-zinc-500 dark:text-zinc-400">owner: {app.owner}</div>
        ) : null}
      </div>
      <div className="min-w-0">
        {app.description ? <p>{app.description}</p> : null}
        <div className="mt-1 flex flex-wrap gap-1">
          {Object.entries(app.labels).map(([k, v]) => (
            <Badge key={k}>
              {k}={v}
            </Badge>
          ))}
        </div>
        <div className="mt-1 flex flex-wrap gap-2">
          {Object.entries(app.links).map(([name, href]) => (
            <a
              key={name}
              href={href}
              target="_blank"
              rel="noreferrer noopener"
              className="text-indigo-600 hover:underline dark:text-indigo-400"
            >
              {name}
            </a>
          ))}
        </div>
      </div>
      <div className="space-y-1">
        <div className="flex items-center gap-2">
          <Badge tone={healthTone[health]}>{health}</Badge>
          {app.releasedSeq ? (
            <span>
              {app.releasedTargets.length > 1
                ? app.releasedTargets.map((t) => `v${t.seq} ${t.weight}%`).join(" + ")
                : `v${app.releasedSeq}`}
            </span>
          ) : null}
        </div>
        {app.releasedSeq ? (
          <>
            <ShaChip git={entry.releasedGit} />
            <div className="text-xs text-zinc-500 dark:text-zinc-400">
              {entry.healthyInstances}/{entry.runningInstances} instances healthy
            </div>
          </>
        ) : null}
      </div>
      <div className="text-xs text-zinc-600 dark:text-zinc-400">
        {entry.lastDeploySeq ? (
          <>
            last deploy v{entry.lastDeploySeq} {lastMs ? <RelativeTime ms={lastMs} /> : null}
            {entry.lastDeployBy ? <div>by {entry.lastDeployBy}</div> : null}
          </>
        ) : (
          "never deployed"
        )}
      </div>
    </li>
  );
}
