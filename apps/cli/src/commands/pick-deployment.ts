import { type Deployment, DeploymentService, DeploymentStatus } from "@berth/proto";
import { type Command, InvalidArgumentError } from "commander";
import type { ApiClient } from "../client/create-api-client.js";
import { resolveApp, type TargetFlags } from "../target/resolve-target.js";

/** "v3" or "3" → 3. */
export function parseDeploymentSeq(value: string): number {
  const n = Number(value.replace(/^v/i, ""));
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a deployment like v3, got "${value}"`);
  return n;
}

/** Adds the options pickDeployment reads: --project, --app and -d/--deployment. */
export function addDeploymentTargetOptions(command: Command): Command {
  return command
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "application (default: from berth.hcl)")
    .option(
      "-d, --deployment <vN>",
      "deployment (default: the released one, else the newest)",
      parseDeploymentSeq,
    );
}

/**
 * The deployment a runtime command (logs, exec) acts on: `--deployment vN`, else the one the app's URL
 * serves (released), else its newest deployment that is not destroyed.
 */
export async function pickDeployment(
  api: ApiClient,
  flags: TargetFlags & { deployment?: number },
): Promise<Deployment> {
  const { project, app } = await resolveApp(flags);
  const deployments = api.client(DeploymentService);
  if (flags.deployment) {
    const { deployment } = await deployments.getDeployment({ app: { project, app }, seq: flags.deployment });
    if (!deployment) throw new Error(`deployment v${flags.deployment} of ${project}/${app} not found`);
    return deployment;
  }
  const { deployments: list } = await deployments.listDeployments({ app: { project, app }, pageSize: 50 });
  const live = list.filter((d) => d.status !== DeploymentStatus.DESTROYED).sort((a, b) => b.seq - a.seq);
  const picked = live.find((d) => d.released) ?? live[0];
  if (!picked) throw new Error(`${project}/${app} has no running deployment; deploy it first (berth up)`);
  return picked;
}
