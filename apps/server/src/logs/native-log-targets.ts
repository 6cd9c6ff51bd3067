import type { SessionRegistry } from "../entrypoint/session-registry.js";
import type { Platform } from "../platforms/platform.js";

/**
 * Which instances' logs come from their platform rather than the server's store (Waypoint's order: entrypoint
 * first, platform second): one instance asked for, whose entrypoint is not connected and whose engine knows it;
 * or, for a whole deployment, all its instances when none has its entrypoint connected. Undefined: the store.
 */
export function nativeLogTargets(
  platform: Platform,
  sessions: SessionRegistry,
  deploymentId: string,
  instanceId: string,
): string[] | undefined {
  if (!platform.nativeLogs) return undefined;
  const views = platform.instances(deploymentId).filter((v) => v.nativeId);
  if (instanceId) {
    if (sessions.isConnected(instanceId) || !views.some((v) => v.id === instanceId)) return undefined;
    return [instanceId];
  }
  if (views.length === 0 || sessions.list({ deploymentId }).length > 0) return undefined;
  return views.map((v) => v.id);
}
