import { type Build, BuildSchema, BuildService, BuildStatus } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { colors } from "../output/colors.js";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable } from "../output/table.js";
import { triggerLabel } from "../output/trigger-label.js";
import { resolveApp } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";
import {
  addHistoryFilterOptions,
  gitCells,
  type HistoryOptions,
  historyFilterFrom,
  statusListParser,
} from "./history-options.js";

/** "success,failed" → [SUCCESS, FAILED]; an unknown name lists the known ones. */
export const parseBuildStatuses = statusListParser<BuildStatus>(BuildStatus);

function row(b: Build): string[] {
  const status = (BuildStatus[b.status] ?? "unknown").toLowerCase();
  const paint =
    b.status === BuildStatus.SUCCESS
      ? colors.green
      : b.status === BuildStatus.FAILED
        ? colors.red
        : colors.yellow;
  const duration =
    b.finishedAt && b.createdAt
      ? `${((timestampMs(b.finishedAt) - timestampMs(b.createdAt)) / 1000).toFixed(1)}s`
      : "";
  const trigger = triggerLabel(b);
  return [
    `#${b.seq}`,
    paint(status) + (trigger ? ` ${colors.dim(trigger)}` : ""),
    ...gitCells(b.git),
    duration,
    relativeTime(b.createdAt ? timestampMs(b.createdAt) : undefined),
  ];
}

/** `berth builds`: an app's build history, newest first. */
export function registerBuildsCommand(program: Command): void {
  addHistoryFilterOptions(
    program.command("builds").description("list an app's builds, newest first"),
    BuildStatus,
  )
    .option("--limit <n>", "how many to show (at most 1000)", (v) => Number(v), 20)
    .option("--json", "print JSON")
    .action(async (opts: HistoryOptions<BuildStatus>, cmd: Command) => {
      if (!Number.isInteger(opts.limit) || opts.limit < 1 || opts.limit > 1000) {
        throw new Error("--limit must be a whole number 1-1000");
      }
      const app = await resolveApp(opts);
      const { builds } = await apiClientFor(cmd)
        .client(BuildService)
        .listBuilds({
          app,
          filter: historyFilterFrom(opts),
          statuses: opts.status ?? [],
          pageSize: opts.limit,
        });
      if (opts.json) return printJsonList(BuildSchema, builds);
      if (builds.length === 0) {
        process.stdout.write(`No builds of ${app.project}/${app.app} match.\n`);
        return;
      }
      const headers = ["BUILD", "STATUS", "SHA", "BRANCH", "MESSAGE", "TOOK", "CREATED"];
      process.stdout.write(`${renderTable(headers, builds.map(row))}\n`);
    });
}
