import { ConfigRevisionSchema, ConfigService } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable } from "../output/table.js";
import { resolveOptionalApp } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";

interface HistoryFlags {
  project?: string;
  app?: string;
  limit?: number;
  json?: boolean;
}

/** `berth config history` and `berth config restore REV`, added to the existing `config` command. */
export function registerConfigHistoryCommands(program: Command): void {
  const config = program.commands.find((c) => c.name() === "config") ?? program.command("config");

  config
    .command("history")
    .description("list config revisions (who changed what, when)")
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "application (default: from berth.hcl); project-wide changes are listed too")
    .option("-n, --limit <count>", "revisions to show (default 20)", (v) => Number(v))
    .option("--json", "print JSON")
    .action(async (flags: HistoryFlags, cmd: Command) => {
      const { project, app } = await resolveOptionalApp(flags);
      const { revisions } = await apiClientFor(cmd)
        .client(ConfigService)
        .listConfigRevisions({ project, app: app ?? "", pageSize: flags.limit ?? 20 });
      if (flags.json) return printJsonList(ConfigRevisionSchema, revisions);
      if (revisions.length === 0) {
        process.stdout.write(`No config revisions for ${app ? `${project}/${app}` : project}.\n`);
        return;
      }
      const rows = revisions.map((r) => [
        `r${r.revision}`,
        r.createdAt ? relativeTime(timestampMs(r.createdAt)) : "",
        r.actor?.name ?? "",
        r.app || "(project)",
        r.changes
          .map((c) => `${{ added: "+", changed: "~", removed: "-" }[c.change] ?? "?"}${c.name}`)
          .join(" ") + (r.restoredFrom ? ` (restored r${r.restoredFrom})` : ""),
      ]);
      process.stdout.write(`${renderTable(["REVISION", "WHEN", "WHO", "SCOPE", "CHANGES"], rows)}\n`);
    });

  config
    .command("restore")
    .description("bring an old revision's variables back as a new revision (instances restart with it)")
    .argument("<revision>", "revision to restore, e.g. 3 or r3")
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "application (default: from berth.hcl)")
    .action(async (rev: string, flags: HistoryFlags, cmd: Command) => {
      const revision = Number(rev.replace(/^r/i, ""));
      if (!Number.isInteger(revision) || revision < 1)
        throw new Error(`expected a revision like 3, got "${rev}"`);
      const { project, app } = await resolveOptionalApp(flags);
      const { revision: created } = await apiClientFor(cmd)
        .client(ConfigService)
        .restoreConfigRevision({ project, app: app ?? "", revision });
      process.stdout.write(
        `Restored r${revision} as config revision ${created?.revision ?? "?"} of ${app ? `${project}/${app}` : project}` +
          `${created?.changes.length ? `: ${created.changes.map((c) => c.name).join(", ")}` : " (no change)"}.\n`,
      );
    });
}
