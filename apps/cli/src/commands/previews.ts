import { GitService, PreviewSchema, PreviewState } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { enumName } from "../output/enum-name.js";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable, truncate } from "../output/table.js";
import { resolveProject } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";

/** `berth previews [--app]`: the project's preview deployments, one per pull request of an app. */
export function registerPreviewsCommand(program: Command): void {
  program
    .command("previews")
    .description(
      "preview deployments of pull requests (berth.hcl preview { … }): PR, branch, commit, URL, expiry",
    )
    .option("--app <name>", "only this app's previews")
    .option("--all", "closed previews too")
    .option("--project <name>", "the project (default: from berth.hcl)")
    .option("--json", "print JSON")
    .action(async (flags: { app?: string; all?: boolean; project?: string; json?: boolean }, c: Command) => {
      const project = await resolveProject(flags);
      const { previews } = await apiClientFor(c)
        .client(GitService)
        .listPreviews({ project, app: flags.app ?? "", includeClosed: flags.all === true });
      if (flags.json) return printJsonList(PreviewSchema, previews);
      if (previews.length === 0) {
        process.stdout.write(
          flags.all ? "No previews yet.\n" : "No open previews (berth previews --all shows closed ones).\n",
        );
        return;
      }
      const rows = previews.map((p) => [
        `#${p.number}`,
        p.previewApp,
        truncate(p.branch, 30),
        p.sha.slice(0, 7),
        enumName(PreviewState, p.state),
        p.url || truncate(p.reason, 40),
        p.expiresAt ? relativeTime(timestampMs(p.expiresAt)) : "-",
      ]);
      process.stdout.write(
        `${renderTable(["PR", "PREVIEW", "BRANCH", "COMMIT", "STATE", "URL / WHY", "EXPIRES"], rows)}\n`,
      );
    });
}
