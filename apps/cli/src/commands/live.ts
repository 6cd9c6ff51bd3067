import { GetLiveAtResponseSchema, LifecycleService } from "@berth/proto";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { parseInstant } from "../input/parse-instant.js";
import { cliJson } from "../output/cli-json.js";
import { formatInstant } from "../output/format-instant.js";
import { renderTable } from "../output/table.js";
import { resolveOptionalApp } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";
import { eventCells, intervalCells } from "./lifecycle-lines.js";

/** `berth live --at <time>`: which deployments (and weights) served each app at that moment. */
export function registerLiveCommand(program: Command): void {
  program
    .command("live")
    .description(
      "what was live at a moment: deployments, weights, commits, config, and what changed just before",
    )
    .option(
      "--at <time>",
      'when: "YYYY-MM-DD HH:MM" (local time), ISO 8601, "now" or an age like 15m, 2h',
      "now",
    )
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "only this application (default: every app of the project)")
    .option("--json", "print JSON")
    .action(async (opts: { at: string; project?: string; app?: string; json?: boolean }, cmd: Command) => {
      const at = parseInstant(opts.at);
      const { project } = await resolveOptionalApp(opts);
      const res = await apiClientFor(cmd)
        .client(LifecycleService)
        .getLiveAt({ project, app: opts.app ?? "", at: timestampFromMs(at) });
      if (opts.json) {
        const json = cliJson(GetLiveAtResponseSchema, res);
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      const out = [`Live in ${project} at ${formatInstant(at)}`];
      for (const app of res.apps) {
        out.push("");
        if (app.live.length === 0) {
          out.push(`${app.app}: nothing was live`);
          continue;
        }
        out.push(
          renderTable(
            ["APP", "TRAFFIC", "SHA", "CONFIG", "FROM", "TO", "RELEASE"],
            app.live.map(intervalCells),
          ),
        );
        if (app.before.length > 0) {
          out.push("", `  just before, in ${app.app}:`);
          out.push(
            renderTable(["WHEN", "APP", "WHAT", "WHO"], app.before.map(eventCells))
              .split("\n")
              .map((l) => `  ${l}`)
              .join("\n"),
          );
        }
      }
      if (res.apps.length === 0) out.push("", "The project has no applications.");
      process.stdout.write(`${out.join("\n")}\n`);
    });
}
