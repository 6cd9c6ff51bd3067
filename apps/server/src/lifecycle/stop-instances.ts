import { revokeDeploymentTokens } from "../auth/tokens.js";
import type { ServerContext } from "../server-context.js";
import type { Engine } from "./engine.js";

/**
 * Ends a deployment's instances for good (destroyed, cancelled or interrupted deploy): stops them on the
 * platform, then revokes their entrypoint tokens, so none is left valid for instances that no longer run.
 */
export async function stopInstancesForGood(
  ctx: ServerContext,
  engine: Engine,
  deploymentId: string,
): Promise<void> {
  await engine.platform.destroy(deploymentId);
  await revokeDeploymentTokens(ctx.store.db, ctx.tokenStreams, deploymentId);
}
