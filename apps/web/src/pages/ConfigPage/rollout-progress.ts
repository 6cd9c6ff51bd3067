import { HealthState, type Instance, InstanceState } from "@berth/proto";

/** Where a config rollout stands, for the instances of one deployment. */
export interface RolloutProgress {
  total: number;
  /** Instances serving on the revision (or a later one): running, healthy and connected. */
  done: number;
  /** Instances that reported they could not apply it (they keep serving their previous config). */
  failed: number;
}

/**
 * Counts the instances that really run `revision`. An instance's reported revision alone is not enough: it must
 * also be running, healthy and connected, so "all N run it" is never shown while one is still switching over.
 */
export function rolloutProgress(instances: readonly Instance[], revision: number): RolloutProgress {
  let done = 0;
  let failed = 0;
  for (const i of instances) {
    if (
      i.configRevision >= revision &&
      i.state === InstanceState.RUNNING &&
      i.health === HealthState.HEALTHY &&
      i.connected
    )
      done++;
    else if (i.configError !== "" && i.configRevision < revision) failed++;
  }
  return { total: instances.length, done, failed };
}

/** The status line under a saved revision. */
export function rolloutText(revision: number, p: RolloutProgress): string {
  if (p.total > 0 && p.done === p.total)
    return `Revision ${revision} saved: all ${p.total} instances run it.`;
  if (p.failed > 0)
    return `Revision ${revision} saved: ${p.failed} of ${p.total} instances could not apply it and keep their previous config.`;
  return `Revision ${revision} saved: ${p.total - p.done} of ${p.total} instances restarting with it…`;
}
