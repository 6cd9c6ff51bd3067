import type { ConfigChange, Deployment } from "@berth/proto";
import { formatBytes, shortSha } from "../../lib/format.js";

/** "v12 (9f8e7d6)", or "v12" outside git. */
export function versionLabel(d: Pick<Deployment, "seq" | "git">): string {
  const sha = shortSha(d.git?.sha);
  return sha ? `v${d.seq} (${sha})` : `v${d.seq}`;
}

/** Exactly what a release changes: "web: v14 (a1b2c3d) → v12 (9f8e7d6)"; a canary names the split. */
export function releaseHeadline(
  app: string,
  from: Pick<Deployment, "seq" | "git"> | undefined,
  to: Pick<Deployment, "seq" | "git">,
  canaryPercent = 0,
): string {
  const target = versionLabel(to);
  if (!from) return `${app}: nothing released → ${target}`;
  if (canaryPercent > 0 && canaryPercent < 100) {
    return `${app}: ${canaryPercent}% → ${target}, ${100 - canaryPercent}% stays on ${versionLabel(from)}`;
  }
  return `${app}: ${versionLabel(from)} → ${target}`;
}

/** Whether moving between two deployments changes code only, or code and config; said plainly. */
export function changeScope(
  from: Pick<Deployment, "configRevision" | "artifactDigest"> | undefined,
  to: Pick<Deployment, "configRevision" | "artifactDigest">,
  configChanges: readonly ConfigChange[] | undefined,
): string {
  if (!from) return "First release: code and config.";
  const codeChanges = from.artifactDigest !== to.artifactDigest;
  const configDiffers =
    configChanges !== undefined ? configChanges.length > 0 : from.configRevision !== to.configRevision;
  if (codeChanges && configDiffers)
    return `Code and config: the artifact and config revision ${to.configRevision} (now ${from.configRevision}).`;
  if (codeChanges) return "Code only: the config variables are the same.";
  if (configDiffers) return `Config only: the same artifact, config revision ${to.configRevision}.`;
  return "Nothing differs: the same artifact and config.";
}

/** "1.2 MB → 1.4 MB (+200 KB)" */
export function artifactSizeChange(from: bigint | undefined, to: bigint): string {
  if (from === undefined) return formatBytes(to);
  const delta = Number(to) - Number(from);
  const sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
  return `${formatBytes(from)} → ${formatBytes(to)} (${sign}${formatBytes(Math.abs(delta))})`;
}
