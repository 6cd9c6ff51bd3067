import { ApplicationSchema, ProjectService } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { colors } from "../output/colors.js";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { releasedText } from "../output/released-text.js";
import { renderTable } from "../output/table.js";
import { resolveProject } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";

/** `berth apps`: a project's applications with their released version and URL. */
export function registerAppsCommand(program: Command): Command {
  return program
    .command("apps")
    .description("list a project's applications")
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--json", "print JSON")
    .action(async (opts: { project?: string; json?: boolean }, cmd: Command) => {
      const project = await resolveProject(opts);
      const { applications } = await apiClientFor(cmd).client(ProjectService).listApplications({ project });
      if (opts.json) return printJsonList(ApplicationSchema, applications);
      if (applications.length === 0) {
        process.stdout.write(`No applications in project ${project} yet.\n`);
        return;
      }
      const rows = applications.map((a) => [
        a.name,
        releasedText(a) ? colors.green(releasedText(a)) : colors.dim("-"),
        a.url,
        relativeTime(a.updatedAt ? timestampMs(a.updatedAt) : undefined),
      ]);
      process.stdout.write(`${renderTable(["APP", "RELEASED", "URL", "UPDATED"], rows)}\n`);
    });
}
