import { issueToken } from "../auth/tokens.js";
import { effectiveConfig } from "../config/effective-config.js";
import { getDeploymentRow } from "../history/get-history.js";
import type { DeploymentSpec, InstanceView } from "../platforms/platform.js";
import type { ServerContext } from "../server-context.js";
import { parseStoredSpec } from "./deployment-spec.js";

/** Lifetime of an instance's entrypoint token; an outage longer than this needs an instance restart. */
const entrypointTokenTtlMs = 7 * 24 * 3600 * 1000;

/**
 * The environment an instance starts with: berth.hcl `config { env }`, overlaid by the app's config
 * vars, plus BERTH_* facts and a fresh entrypoint token scoped to the deployment. The app gets its
 * config even when the entrypoint cannot reach the server.
 */
export async function instanceEnv(
  ctx: ServerContext,
  spec: DeploymentSpec,
  instance: InstanceView,
): Promise<Record<string, string>> {
  const db = ctx.store.db;
  const row = await getDeploymentRow(db, spec.deploymentId);
  const config = await effectiveConfig(db, spec.project, spec.app);
  const token = await issueToken(db, {
    kind: "entrypoint",
    name: `${spec.app}.${spec.project} v${spec.seq} #${instance.idx}`,
    deploymentId: spec.deploymentId,
    // Short-lived: the server renews it over the entrypoint's session at half-life (entrypoint/token-renewal.ts).
    ttlMs: entrypointTokenTtlMs,
  });
  return {
    ...parseStoredSpec(row.spec_json).env,
    ...config.env,
    BERTH_SERVER_ADDR: ctx.apiUrl,
    BERTH_ENTRYPOINT_TOKEN: token.secret,
    BERTH_DEPLOYMENT_ID: spec.deploymentId,
    BERTH_INSTANCE_ID: instance.id,
    BERTH_PROJECT: spec.project,
    BERTH_APP: spec.app,
    BERTH_DEPLOYMENT_SEQ: String(spec.seq),
    BERTH_GIT_SHA: row.git_sha,
    BERTH_GIT_BRANCH: row.git_branch,
    BERTH_CONFIG_REVISION: String(config.revision),
    // Which of these vars are config: the entrypoint removes them when a later revision unsets them.
    BERTH_CONFIG_KEYS: Object.keys(config.env).join(","),
  };
}
