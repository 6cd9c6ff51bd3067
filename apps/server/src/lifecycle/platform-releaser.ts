import type { Release } from "@berth/proto";
import type { Platform } from "../platforms/platform.js";

/**
 * Hands every release to the platform's own releaser (a Kubernetes Service re-pointed at the released pods), in the
 * order releases happen: calls run one after another, so a quick release and rollback end on the rollback. The
 * release is made and served by Berth's router already: a releaser that fails is reported, and the next release of
 * the app tries again.
 */
export function createPlatformReleaser(
  platform: Platform,
  onError: (err: unknown, deploymentId: string) => void,
): (release: Release) => void {
  let previous = Promise.resolve();
  return (release) => {
    // The target taking all the traffic, or the largest share of a split.
    const [primary] = [...release.targets].sort((a, b) => b.weight - a.weight);
    if (!primary || !platform.released) return;
    const { deploymentId } = primary;
    previous = previous.then(() =>
      platform.released?.(deploymentId).catch((err: unknown) => onError(err, deploymentId)),
    );
  };
}
