// Retention: which unreleased deployments an app keeps running (berth.hcl `retention { keep_unreleased = N }`).

/** An app's retention setting; undefined: keep every deployment running (no retention block). */
export interface Retention {
  keepUnreleased: number;
}

/** The retention of an app from its config_json (berth.hcl as the CLI sent it); invalid values mean none. */
export function retentionOf(configJson: string): Retention | undefined {
  let parsed: { retention?: { keepUnreleased?: unknown } };
  try {
    parsed = JSON.parse(configJson || "{}");
  } catch {
    return undefined;
  }
  const n = parsed.retention?.keepUnreleased;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) return undefined;
  return { keepUnreleased: n };
}

export interface RetentionCandidate {
  id: string;
  seq: number;
  status: string;
  pinned: boolean;
}

/**
 * The deployments retention destroys: running (healthy or unhealthy) ones that are not `kept` (release targets,
 * the one a deploy just made) and nobody pinned, beyond the newest `keep`. A deployment still deploying is left alone (its job decides its fate);
 * pinned ones neither count towards `keep` nor go.
 */
export function retentionVictims(
  deployments: RetentionCandidate[],
  kept: ReadonlySet<string>,
  keep: number,
): RetentionCandidate[] {
  return deployments
    .filter((d) => (d.status === "healthy" || d.status === "unhealthy") && !d.pinned && !kept.has(d.id))
    .sort((a, b) => b.seq - a.seq)
    .slice(keep);
}
