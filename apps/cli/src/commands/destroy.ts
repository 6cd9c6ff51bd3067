import { DeploymentSchema, DeploymentService } from "@berth/proto";
import type { Command } from "commander";
import { cliJson } from "../output/cli-json.js";
import { resolveApp } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";
import { parseDeploymentSeq } from "./pick-deployment.js";

/** `berth destroy vN`: stop a deployment's instances; its history stays. */
export function registerDestroyCommand(program: Command): void {
  program
    .command("destroy")
    .description("stop a deployment's instances (refused for the released one); history stays")
    .argument("<deployment>", "the deployment, e.g. v3", parseDeploymentSeq)
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "application (default: from berth.hcl)")
    .option("--json", "print the deployment as JSON")
    .action(async (seq: number, flags: { project?: string; app?: string; json?: boolean }, cmd: Command) => {
      const app = await resolveApp(flags);
      const client = apiClientFor(cmd).client(DeploymentService);
      const { deployment } = await client.getDeployment({ app, seq });
      const res = await client.destroyDeployment({ deploymentId: deployment!.id });
      if (flags.json)
        process.stdout.write(`${JSON.stringify(cliJson(DeploymentSchema, res.deployment!), null, 2)}\n`);
      else process.stdout.write(`Destroyed ${app.project}/${app.app} v${seq}; its history stays.\n`);
    });
}
