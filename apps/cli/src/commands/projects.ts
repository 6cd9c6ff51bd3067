import { ProjectSchema, ProjectService } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable } from "../output/table.js";
import { apiClientFor } from "./command-context.js";

/** `berth projects`: every project and its apps. */
export function registerProjectsCommand(program: Command): Command {
  return program
    .command("projects")
    .description("list projects")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { projects } = await apiClientFor(cmd).client(ProjectService).listProjects({});
      if (opts.json) return printJsonList(ProjectSchema, projects);
      if (projects.length === 0) {
        process.stdout.write("No projects yet: berth up creates one from berth.hcl.\n");
        return;
      }
      const rows = projects.map((p) => [
        p.name,
        p.applications.join(", "),
        relativeTime(p.createdAt ? timestampMs(p.createdAt) : undefined),
      ]);
      process.stdout.write(`${renderTable(["PROJECT", "APPS", "CREATED"], rows)}\n`);
    });
}
