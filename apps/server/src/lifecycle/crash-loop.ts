import type { InstanceView } from "../platforms/platform.js";

/** Exits of one instance, before it was ever healthy, that end a deploy at once instead of at `start_timeout`. */
export const maxExitsBeforeHealthy = 3;

/**
 * How many times an instance has exited, as its view tells: every restart followed an exit, and a crashed
 * instance has exited once more (its restart is still to come). The same on every platform: the process
 * supervisor, Docker's restart policy, a pod's restartCount and a Nomad task's restarts all count this way.
 */
export function exitsOf(view: InstanceView): number {
  return view.restarts + (view.state === "crashed" ? 1 : 0);
}

/**
 * The first instance of a starting deployment that has exited `max` times and was never seen healthy
 * (`everHealthy` holds the ids that were): restarting it again will not help. Undefined while none has.
 */
export function crashLooping(
  views: readonly InstanceView[],
  everHealthy: ReadonlySet<string>,
  max = maxExitsBeforeHealthy,
): InstanceView | undefined {
  return views.find((v) => !everHealthy.has(v.id) && exitsOf(v) >= max);
}
