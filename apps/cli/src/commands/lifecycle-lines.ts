// How lifecycle events and live intervals read in the terminal (shared by `berth sha` and `berth live`).
import type { LifecycleEvent, LiveInterval } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { formatInstant } from "../output/format-instant.js";

/** "v2 75%, v3 25%". */
export function targetsText(targets: { deploymentSeq: number; weight: number }[]): string {
  return targets.map((t) => `v${t.deploymentSeq} ${t.weight}%`).join(", ");
}

/** What an event did, in a few words: "rollback to v1 100% — b leaks memory". */
export function eventText(e: LifecycleEvent): string {
  const subject =
    e.kind.startsWith("build.") || e.kind === "artifact.pushed"
      ? `build #${e.buildSeq}`
      : e.kind === "config.applied"
        ? `config revision ${e.configRevision}`
        : e.kind === "release" || e.kind === "rollback"
          ? `#${e.releaseSeq} → ${targetsText(e.targets)}`
          : `v${e.deploymentSeq}`;
  const why = e.reason ? ` — ${e.reason}` : "";
  return `${e.kind} ${subject}${why}`;
}

/** The cells of one event row: when, app, what, who. */
export function eventCells(e: LifecycleEvent): string[] {
  return [e.time ? formatInstant(timestampMs(e.time)) : "", e.app, eventText(e), e.actor?.name || "-"];
}

/** The cells of one live interval: app, deployment and weight, commit, from, to. */
export function intervalCells(i: LiveInterval): string[] {
  return [
    i.app,
    `v${i.deploymentSeq} ${i.weight}%`,
    i.git?.sha ? i.git.sha.slice(0, 7) : "-",
    i.configRevision ? `rev ${i.configRevision}` : "-",
    i.from ? formatInstant(timestampMs(i.from)) : "",
    i.to ? formatInstant(timestampMs(i.to)) : "live",
    `#${i.releaseSeq}${i.rollback ? " rollback" : ""}${i.reason ? ` — ${i.reason}` : ""}`,
  ];
}
