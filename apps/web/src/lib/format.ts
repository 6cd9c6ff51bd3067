import { BuildStatus, DeploymentStatus, HealthState, InstanceState, JobKind, JobState } from "@berth/proto";
import type { Tone } from "@berth/ui/badge";

/** The first 7 characters of a commit SHA, as git prints it. */
export function shortSha(sha: string | undefined): string {
  return sha ? sha.slice(0, 7) : "";
}

/** "1.4 MB" */
export function formatBytes(n: number | bigint | undefined): string {
  const v = Number(n ?? 0);
  if (v < 1024) return `${v} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let x = v / 1024;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x.toFixed(x < 10 ? 1 : 0)} ${units[i]}`;
}

/** The lower-case word after an enum's prefix: DEPLOYMENT_STATUS_HEALTHY → "healthy". */
export function enumWord(enumObj: Record<string | number, string | number>, value: number): string {
  const name = enumObj[value];
  if (typeof name !== "string") return "unknown";
  const parts = name.split("_");
  // Drop the enum-name prefix, which is every part but the last one(s) after the type name.
  const known = [
    "DEPLOYMENT_STATUS_",
    "BUILD_STATUS_",
    "INSTANCE_STATE_",
    "HEALTH_STATE_",
    "JOB_STATE_",
    "JOB_KIND_",
  ];
  for (const prefix of known) if (name.startsWith(prefix)) return name.slice(prefix.length).toLowerCase();
  return parts.at(-1)?.toLowerCase() ?? name.toLowerCase();
}

export const deploymentStatusWord = (s: DeploymentStatus) => enumWord(DeploymentStatus, s);
export const buildStatusWord = (s: BuildStatus) => enumWord(BuildStatus, s);
export const jobStateWord = (s: JobState) => enumWord(JobState, s);
export const jobKindWord = (s: JobKind) => enumWord(JobKind, s);
export const instanceStateWord = (s: InstanceState) => enumWord(InstanceState, s);
export const healthWord = (s: HealthState) => enumWord(HealthState, s);

export function deploymentTone(s: DeploymentStatus): Tone {
  switch (s) {
    case DeploymentStatus.HEALTHY:
      return "green";
    case DeploymentStatus.UNHEALTHY:
    case DeploymentStatus.FAILED:
      return "red";
    case DeploymentStatus.DEPLOYING:
      return "blue";
    default:
      return "zinc";
  }
}

export function buildTone(s: BuildStatus): Tone {
  return s === BuildStatus.SUCCESS
    ? "green"
    : s === BuildStatus.FAILED
      ? "red"
      : s === BuildStatus.RUNNING
        ? "blue"
        : "zinc";
}

export function jobTone(s: JobState): Tone {
  switch (s) {
    case JobState.SUCCESS:
      return "green";
    case JobState.ERROR:
      return "red";
    case JobState.RUNNING:
      return "blue";
    case JobState.QUEUED:
      return "amber";
    default:
      return "zinc";
  }
}

export function instanceTone(state: InstanceState, health: HealthState): Tone {
  if (state === InstanceState.CRASHED || health === HealthState.UNHEALTHY) return "red";
  if (state === InstanceState.STARTING) return "blue";
  if (state === InstanceState.RUNNING && health === HealthState.HEALTHY) return "green";
  if (state === InstanceState.RUNNING) return "amber";
  return "zinc";
}

/** Parses "v12" or "12" from a route segment; undefined when it is not a version. */
export function parseVersion(segment: string | undefined): number | undefined {
  const m = /^v?(\d+)$/.exec(segment ?? "");
  return m ? Number(m[1]) : undefined;
}
