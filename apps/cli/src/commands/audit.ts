import { AuditEventSchema, AuditService } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable, truncate } from "../output/table.js";
import { apiClientFor } from "./command-context.js";

/** `berth audit`: who did what, when (releases, rollbacks, exec sessions, config changes, tokens). */
export function registerAuditCommand(program: Command): void {
  program
    .command("audit")
    .description("show the audit trail, newest first")
    .option("--project <name>", "only this project")
    .option("--app <name>", "only this application")
    .option("--action <action>", 'only this action or family, e.g. "release" or "config"')
    .option("--actor <name>", "only this token name")
    .option("--limit <n>", "how many to show (at most 1000)", (v) => Number(v), 30)
    .option("--json", "print JSON")
    .action(
      async (
        opts: {
          project?: string;
          app?: string;
          action?: string;
          actor?: string;
          limit: number;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        if (!Number.isInteger(opts.limit) || opts.limit < 1 || opts.limit > 1000) {
          throw new Error("--limit must be a whole number 1-1000");
        }
        const { events } = await apiClientFor(cmd)
          .client(AuditService)
          .listAuditEvents({
            project: opts.project ?? "",
            app: opts.app ?? "",
            action: opts.action ?? "",
            actor: opts.actor ?? "",
            pageSize: opts.limit,
          });
        if (opts.json) return printJsonList(AuditEventSchema, events);
        if (events.length === 0) {
          process.stdout.write("No audit events match.\n");
          return;
        }
        const rows = events.map((e) => [
          relativeTime(e.time ? timestampMs(e.time) : undefined),
          e.actor?.name ?? "",
          e.action,
          [e.project, e.app].filter(Boolean).join("/"),
          // "v3" or "release #5 → v3" rather than a ULID, when the server could name it.
          e.targetLabel || truncate(e.target, 40),
        ]);
        process.stdout.write(`${renderTable(["WHEN", "WHO", "ACTION", "WHERE", "TARGET"], rows)}\n`);
      },
    );
}
