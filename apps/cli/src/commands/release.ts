import { DeploymentService, type Release, ReleaseSchema, ReleaseService } from "@berth/proto";
import type { Command } from "commander";
import { currentRelease, releaseTargets } from "../client/current-state.js";
import { reportUnknownOutcome } from "../client/report-outcome.js";
import { parseSeconds, parseStepInterval, parseSteps } from "../input/rollout-options.js";
import { cliJson } from "../output/cli-json.js";
import { colors } from "../output/colors.js";
import { resolveApp } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";
import { parseDeploymentSeq } from "./pick-deployment.js";
import { type RolloutFlags, startRolloutCommand } from "./rollout.js";
import { parsePercent } from "./ship.js";

function printRelease(r: Release | undefined, json: boolean | undefined, verb: string): void {
  if (!r) return;
  if (json) {
    process.stdout.write(`${JSON.stringify(cliJson(ReleaseSchema, r), null, 2)}\n`);
    return;
  }
  const targets = releaseTargets(r);
  process.stdout.write(
    `${verb} ${colors.bold(`${r.project}/${r.app}`)} → ${targets} (release #${r.seq}${r.forced ? ", forced" : ""})\n`,
  );
  process.stdout.write(`  App URL: ${colors.bold(r.url)}\n`);
}

/** `berth release [vN]` and `berth rollback`. */
export function registerReleaseCommands(program: Command): void {
  program
    .command("release")
    .description("point the app's URL at a deployment (default: the newest one)")
    .argument("[deployment]", "the deployment, e.g. v3", parseDeploymentSeq)
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "application (default: from berth.hcl)")
    .option("--canary <percent>", "send only this share of traffic to it", parsePercent)
    .option("--steps <percents>", "a progressive release: its share at each step, e.g. 10,50,100", parseSteps)
    .option(
      "--interval <duration>",
      "with --steps: time between steps (e.g. 5m), or manual",
      parseStepInterval,
    )
    .option(
      "--abort-on-5xx <points>",
      "with --steps: abort when its 5xx rate beats the baseline's by more",
      parsePercent,
    )
    .option("--min-requests <n>", "with --abort-on-5xx: judge only after this many requests", Number)
    .option(
      "--abort-when-unhealthy <duration>",
      "with --steps: abort after this long without a healthy instance",
      parseSeconds,
    )
    .option("--force", "release even if it is not healthy")
    .option("--reason <text>", "why (recorded)")
    .option("--json", "print the release as JSON")
    .action(
      async (
        seq: number | undefined,
        flags: RolloutFlags & {
          project?: string;
          app?: string;
          canary?: number;
          force?: boolean;
          reason?: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const api = apiClientFor(cmd);
        const app = await resolveApp(flags);
        let target = seq;
        if (!target) {
          const { deployments } = await api.client(DeploymentService).listDeployments({ app, pageSize: 1 });
          target = deployments[0]?.seq;
          if (!target) throw new Error(`${app.project}/${app.app} has no deployments; run berth up`);
        }
        if (flags.steps) {
          if (flags.canary !== undefined)
            throw new Error("--canary and --steps do not go together; pick one");
          return startRolloutCommand(cmd, app, target, flags);
        }
        if (
          flags.interval !== undefined ||
          flags.abortOn5xx !== undefined ||
          flags.abortWhenUnhealthy !== undefined
        )
          throw new Error("--interval, --abort-on-5xx and --abort-when-unhealthy go with --steps");
        const { release } = await reportUnknownOutcome(
          () =>
            api.client(ReleaseService).release({
              app,
              seq: target,
              canaryPercent: flags.canary ?? 0,
              force: !!flags.force,
              reason: flags.reason ?? "",
            }),
          () => currentRelease(api, app),
          "see berth status",
        );
        printRelease(release, flags.json, "Released");
      },
    );
  program
    .command("rollback")
    .description("release the previously released deployment again")
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "application (default: from berth.hcl)")
    .option("--reason <text>", "why (recorded)")
    .option("--json", "print the release as JSON")
    .action(
      async (flags: { project?: string; app?: string; reason?: string; json?: boolean }, cmd: Command) => {
        const app = await resolveApp(flags);
        const api = apiClientFor(cmd);
        const { release } = await reportUnknownOutcome(
          () => api.client(ReleaseService).rollback({ app, reason: flags.reason ?? "" }),
          () => currentRelease(api, app),
          "see berth status",
        );
        printRelease(release, flags.json, "Rolled back");
      },
    );
}
