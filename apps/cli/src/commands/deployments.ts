import { type Deployment, DeploymentSchema, DeploymentService, DeploymentStatus } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type Command, InvalidArgumentError } from "commander";
import { colors } from "../output/colors.js";
import { enumName } from "../output/enum-name.js";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable, truncate } from "../output/table.js";
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

/** "healthy,failed" → [HEALTHY, FAILED]; an unknown name lists the known ones. */
export const parseStatuses = statusListParser<DeploymentStatus>(DeploymentStatus);

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new InvalidArgumentError("must be a whole number 1-100000");
  return n;
}

const statusColor: Record<number, (s: string) => string> = {
  [DeploymentStatus.HEALTHY]: colors.green,
  [DeploymentStatus.DEPLOYING]: colors.yellow,
  [DeploymentStatus.UNHEALTHY]: colors.red,
  [DeploymentStatus.FAILED]: colors.red,
  [DeploymentStatus.DESTROYED]: colors.dim,
};

/** The git cells with the deployment's note, if any, ahead of the commit message. */
function withNote(cells: string[], note: string): string[] {
  if (!note) return cells;
  const [sha = "", branch = "", message = ""] = cells;
  return [sha, branch, truncate(`[${note}] ${message}`, 60)];
}

/** One table row for a deployment. */
function row(d: Deployment): string[] {
  const status = enumName(DeploymentStatus, d.status);
  return [
    d.released ? colors.bold(`v${d.seq}`) : `v${d.seq}`,
    (statusColor[d.status] ?? String)(status) +
      (d.released ? ` ${colors.cyan("released")}` : "") +
      (d.pinned ? ` ${colors.cyan("pinned")}` : "") +
      (triggerLabel(d) ? ` ${colors.dim(triggerLabel(d))}` : ""),
    d.platform || "process",
    ...withNote(gitCells(d.git), d.note),
    relativeTime(d.createdAt ? timestampMs(d.createdAt) : undefined),
  ];
}

/** `berth deployments`: an app's deployment history, newest first, filtered by git SHA, branch and status. */
export function registerDeploymentsCommand(program: Command): void {
  addHistoryFilterOptions(
    program.command("deployments").description("list an app's deployments, newest first"),
    DeploymentStatus,
  )
    .option("--limit <n>", "how many to show", parseLimit, 20)
    .option("--json", "print JSON")
    .action(async (opts: HistoryOptions<DeploymentStatus>, cmd: Command) => {
      const app = await resolveApp(opts);
      const client = apiClientFor(cmd).client(DeploymentService);
      const filter = historyFilterFrom(opts);
      const deployments: Deployment[] = [];
      let pageToken = "";
      do {
        const res = await client.listDeployments({
          app,
          filter,
          statuses: opts.status ?? [],
          pageSize: Math.min(opts.limit - deployments.length, 1000),
          pageToken,
        });
        deployments.push(...res.deployments);
        pageToken = res.nextPageToken;
      } while (pageToken !== "" && deployments.length < opts.limit);

      if (opts.json) return printJsonList(DeploymentSchema, deployments);
      if (deployments.length === 0) {
        process.stdout.write(`No deployments of ${app.project}/${app.app} match.\n`);
        return;
      }
      const table = renderTable(
        ["VERSION", "STATUS", "PLATFORM", "SHA", "BRANCH", "MESSAGE", "CREATED"],
        deployments.map(row),
      );
      process.stdout.write(`${table}\n`);
      if (pageToken !== "") process.stdout.write(colors.dim(`(more: raise --limit to see older ones)\n`));
    });
}
