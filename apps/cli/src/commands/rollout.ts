import { type Rollout, RolloutSchema, RolloutService } from "@berth/proto";
import type { Command } from "commander";
import { cliJson } from "../output/cli-json.js";
import { rolloutLines } from "../output/rollout-lines.js";
import { resolveApp } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";

interface AppFlags {
  project?: string;
  app?: string;
  json?: boolean;
}

/** The progressive-release flags of `berth release`. */
export interface RolloutFlags {
  steps?: number[];
  interval?: number;
  abortOn5xx?: number;
  minRequests?: number;
  abortWhenUnhealthy?: number;
}

export function printRollout(r: Rollout | undefined, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(r ? cliJson(RolloutSchema, r) : null, null, 2)}\n`);
    return;
  }
  if (!r) {
    process.stdout.write("No rollout yet. Start one with berth release vN --steps 10,50,100\n");
    return;
  }
  process.stdout.write(`${rolloutLines(r).join("\n")}\n`);
}

/** `berth release vN --steps …`: starts a progressive release. */
export async function startRolloutCommand(
  cmd: Command,
  app: { project: string; app: string },
  seq: number,
  flags: RolloutFlags & { reason?: string; json?: boolean },
): Promise<void> {
  const { rollout } = await apiClientFor(cmd)
    .client(RolloutService)
    .startRollout({
      app,
      seq,
      steps: flags.steps ?? [],
      intervalSeconds: flags.interval ?? 0,
      autoAbort: {
        maxErrorRateMarginPercent: flags.abortOn5xx ?? 0,
        minRequests: flags.minRequests ?? 0,
        unhealthyAfterSeconds: flags.abortWhenUnhealthy ?? 0,
      },
      reason: flags.reason ?? "",
    });
  printRollout(rollout, flags.json);
}

const appOptions = (c: Command) =>
  c
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "application (default: from berth.hcl)")
    .option("--json", "print the rollout as JSON");

/** `berth rollout [status|advance|abort|complete]`. */
export function registerRolloutCommands(program: Command): void {
  const rollout = program
    .command("rollout")
    .description("a progressive release (start one with berth release vN --steps 10,50,100)");

  appOptions(rollout.command("status", { isDefault: true }).description("where the app's rollout stands"))
    .option("-f, --follow", "keep showing it live (metrics every second) until it ends")
    .action(async (flags: AppFlags & { follow?: boolean }, cmd: Command) => {
      const app = await resolveApp(flags);
      const client = apiClientFor(cmd).client(RolloutService);
      if (!flags.follow) return printRollout((await client.getRollout({ app })).rollout, flags.json);
      const stop = new AbortController();
      process.once("SIGINT", () => stop.abort());
      try {
        for await (const { rollout: r } of client.watchRollout({ app }, { signal: stop.signal })) {
          if (!flags.json && process.stdout.isTTY) process.stdout.write("\x1b[H\x1b[2J");
          printRollout(r, flags.json);
          if (r && r.state !== 1) break;
        }
      } catch (err) {
        if (!stop.signal.aborted) throw err;
      }
    });

  const act = (
    name: string,
    description: string,
    call: "advanceRollout" | "abortRollout" | "completeRollout",
  ) =>
    appOptions(rollout.command(name).description(description))
      .option("--reason <text>", "why (recorded)")
      .action(async (flags: AppFlags & { reason?: string }, cmd: Command) => {
        const app = await resolveApp(flags);
        const client = apiClientFor(cmd).client(RolloutService);
        const { rollout: r } = await client[call]({ app, reason: flags.reason ?? "" });
        printRollout(r, flags.json);
      });
  act("advance", "go to the next step now", "advanceRollout");
  act("abort", "send all traffic back to the baseline and end the rollout", "abortRollout");
  act("complete", "send all traffic to the new version now and end the rollout", "completeRollout");
}
