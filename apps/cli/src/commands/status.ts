import {
  DeploymentSchema,
  DeploymentService,
  DeploymentStatus,
  HealthState,
  InstanceSchema,
  InstanceState,
  ProjectService,
} from "@berth/proto";
import type { Command } from "commander";
import { cliJson } from "../output/cli-json.js";
import { colors } from "../output/colors.js";
import { enumName } from "../output/enum-name.js";
import { shortNativeId } from "../output/native-id.js";
import { releasedText } from "../output/released-text.js";
import { renderTable } from "../output/table.js";
import { resolveProject } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";

/**
 * `berth status`: each app, its released deployment and the live deployments with their platform, instances (with
 * their container, pod or allocation) and health.
 */
export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description("apps, their released deployment, live deployments, instances and health")
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--json", "print JSON")
    .action(async (flags: { project?: string; json?: boolean }, cmd: Command) => {
      const api = apiClientFor(cmd);
      const project = await resolveProject(flags);
      const { applications } = await api.client(ProjectService).listApplications({ project });
      const out: unknown[] = [];
      const deployments = api.client(DeploymentService);
      for (const app of applications) {
        const { deployments: list } = await deployments.listDeployments({
          app: { project, app: app.name },
          statuses: [DeploymentStatus.DEPLOYING, DeploymentStatus.HEALTHY, DeploymentStatus.UNHEALTHY],
          pageSize: 20,
        });
        const rows = [];
        for (const d of list) {
          const { instances } = await deployments.listInstances({ deploymentId: d.id });
          rows.push({ d, instances });
        }
        if (flags.json) {
          out.push({
            app: app.name,
            url: app.url,
            releasedSeq: app.releasedSeq,
            releasedTargets: app.releasedTargets.map((t) => ({ seq: t.seq, weight: t.weight })),
            deployments: rows.map((r) => ({
              ...(cliJson(DeploymentSchema, r.d) as object),
              instances: r.instances.map((i) => cliJson(InstanceSchema, i)),
            })),
          });
          continue;
        }
        const released = releasedText(app)
          ? colors.green(`${releasedText(app)} released${app.releasedTargets.length > 1 ? " (canary)" : ""}`)
          : colors.dim("not released");
        const weights = new Map(app.releasedTargets.map((t) => [t.deploymentId, t.weight]));
        process.stdout.write(`${colors.bold(`${project}/${app.name}`)}  ${released}  ${app.url}\n`);
        if (rows.length === 0) {
          process.stdout.write(colors.dim("  no running deployments\n\n"));
          continue;
        }
        const table = renderTable(
          ["VERSION", "STATUS", "PLATFORM", "SHA", "INSTANCES", "URL"],
          rows.map(({ d, instances }) => [
            d.released
              ? colors.bold(`v${d.seq}*${weights.size > 1 ? ` ${weights.get(d.id) ?? 0}%` : ""}`)
              : `v${d.seq}`,
            enumName(DeploymentStatus, d.status),
            d.platform || "process",
            d.git?.sha ? d.git.sha.slice(0, 7) : "-",
            instances
              .map(
                (i) =>
                  `${enumName(InstanceState, i.state)}/${enumName(HealthState, i.health)}${i.restarts ? ` ↻${i.restarts}` : ""} :${i.port}${i.nativeId ? ` ${shortNativeId(i.nativeId)}` : ""}`,
              )
              .join(", ") || "-",
            d.url,
          ]),
        );
        process.stdout.write(`${table.replace(/^/gm, "  ")}\n`);
        // A config push an instance could not apply: it keeps running its previous revision.
        for (const { instances } of rows)
          for (const i of instances)
            if (i.configError)
              process.stdout.write(colors.red(`  instance ${i.id.slice(-8)}: ${i.configError}\n`));
        process.stdout.write("\n");
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });
}
