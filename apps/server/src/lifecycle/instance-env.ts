import { effectiveConfig } from "../config/effective-config.js";
import { getDeploymentRow } from "../history/get-history.js";
import type { DeploymentSpec, InstanceView } from "../platforms/platform.js";
import { instanceServerAddresses } from "../replicas/instance-server-addresses.js";
import type { ServerContext } from "../server-context.js";
import { parseStoredSpec } from "./deployment-spec.js";

/**
 * The environment an instance starts with: berth.hcl `config { env }`, overlaid by the app's config
 * vars, plus BERTH_* facts. The app gets its config even when the entrypoint cannot reach the server.
 * The entrypoint's token is not here (see instance-token.ts): the app must not see it.
 */
export async function instanceEnv(
  ctx: ServerContext,
  spec: DeploymentSpec,
  instance: InstanceView,
): Promise<Record<string, string>> {
  const db = ctx.store.db;
  const row = await getDeploymentRow(db, spec.deploymentId);
  const config = await effectiveConfig(db, spec.project, spec.app);
  return {
    ...parseStoredSpec(row.spec_json).env,
    ...config.env,
    BERTH_SERVER_ADDR: await instanceServerAddresses(ctx),
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
    // How long a config change lets the replaced app drain (the entrypoint replaces it surge-first).
    BERTH_DRAIN_MS: String(ctx.options.drainMs),
  };
}
