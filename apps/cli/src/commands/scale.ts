import { DeploymentSchema, DeploymentService } from "@berth/proto";
import { type Command, InvalidArgumentError } from "commander";
import { cliJson } from "../output/cli-json.js";
import { resolveApp } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";
import { parseDeploymentSeq } from "./pick-deployment.js";

/** A `--count` value as a whole number; the server checks its range (0–100) and names the field. */
function parseCount(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n))
    throw new InvalidArgumentError(`expected a whole number of instances, got "${value}"`);
  return n;
}

/** `berth scale vN --count K`: change a running deployment's instance count without a redeploy. */
export function registerScaleCommand(program: Command): void {
  program
    .command("scale")
    .description("start or stop instances of a running deployment (no redeploy)")
    .argument("<deployment>", "the deployment, e.g. v3", parseDeploymentSeq)
    .requiredOption("--count <n>", "how many instances it should have (0-100)", parseCount)
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "application (default: from berth.hcl)")
    .option("--json", "print the deployment as JSON")
    .action(
      async (
        seq: number,
        flags: { count: number; project?: string; app?: string; json?: boolean },
        cmd: Command,
      ) => {
        const app = await resolveApp(flags);
        const client = apiClientFor(cmd).client(DeploymentService);
        const res = await client.scaleDeployment({ app, seq, count: flags.count });
        if (flags.json)
          process.stdout.write(`${JSON.stringify(cliJson(DeploymentSchema, res.deployment!), null, 2)}\n`);
        else
          process.stdout.write(
            `${app.project}/${app.app} v${seq} now has ${res.deployment?.instanceCount ?? flags.count} instance(s).\n`,
          );
      },
    );
}
