import { Code, ConnectError } from "@connectrpc/connect";
import { issueToken } from "../auth/tokens.js";
import { getDeploymentRow } from "../history/get-history.js";
import type { DeploymentSpec, InstanceView } from "../platforms/platform.js";
import type { ServerContext } from "../server-context.js";

/** Lifetime of an instance's entrypoint token; an outage longer than this needs an instance restart. */
const entrypointTokenTtlMs = 7 * 24 * 3600 * 1000;

/** An instance slot's token name: the same across restarts (and renewals), so it identifies the slot. */
export function instanceTokenName(spec: DeploymentSpec, instance: Pick<InstanceView, "idx">): string {
  return `${spec.app}.${spec.project} v${spec.seq} #${instance.idx}`;
}

/**
 * The entrypoint token for a start of an instance, scoped to its deployment. Each instance holds one:
 * the tokens of its previous starts (their entrypoints have exited) are deleted in the same transaction,
 * so a crash-looping app does not pile up valid tokens. A destroyed deployment gets none.
 */
export async function instanceToken(
  ctx: ServerContext,
  spec: DeploymentSpec,
  instance: InstanceView,
): Promise<string> {
  const name = instanceTokenName(spec, instance);
  return ctx.store.db.transaction().execute(async (trx) => {
    const row = await getDeploymentRow(trx, spec.deploymentId);
    if (row.status === "destroyed")
      throw new ConnectError(
        `deployment ${spec.deploymentId} is destroyed; no token for it`,
        Code.FailedPrecondition,
      );
    await trx
      .deleteFrom("tokens")
      .where("kind", "=", "entrypoint")
      .where("deployment_id", "=", spec.deploymentId)
      .where("name", "=", name)
      .execute();
    const token = await issueToken(trx, {
      kind: "entrypoint",
      name,
      deploymentId: spec.deploymentId,
      // Short-lived: the server renews it over the entrypoint's session at half-life (entrypoint/token-renewal.ts).
      ttlMs: entrypointTokenTtlMs,
    });
    return token.secret;
  });
}
