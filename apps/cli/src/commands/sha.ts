import { BuildStatus, DeploymentStatus, GetShaLifecycleResponseSchema, LifecycleService } from "@berth/proto";
import type { Command } from "commander";
import { cliJson } from "../output/cli-json.js";
import { formatDuration } from "../output/duration.js";
import { enumName } from "../output/enum-name.js";
import { renderTable, truncate } from "../output/table.js";
import { resolveOptionalApp } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";
import { eventCells, intervalCells } from "./lifecycle-lines.js";

/** `berth sha <prefix>`: the life of a commit — builds, deployments, releases and rollbacks, config. */
export function registerShaCommand(program: Command): void {
  program
    .command("sha")
    .description("what happened to a commit: builds, deployments, releases, rollbacks, config")
    .argument("<prefix>", "commit SHA prefix (4-40 hex characters)")
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "only this application (default: every app of the project)")
    .option("--json", "print JSON")
    .action(
      async (prefix: string, opts: { project?: string; app?: string; json?: boolean }, cmd: Command) => {
        const shaPrefix = prefix.toLowerCase();
        if (!/^[0-9a-f]{4,40}$/.test(shaPrefix))
          throw new Error(
            `"${truncate(prefix, 50)}" is not a SHA prefix: a SHA prefix is 4–40 hex characters`,
          );
        // Only an explicit --app narrows: from inside an app's directory the whole project is still of interest.
        const { project } = await resolveOptionalApp(opts);
        const res = await apiClientFor(cmd)
          .client(LifecycleService)
          .getShaLifecycle({ project, app: opts.app ?? "", shaPrefix });
        if (opts.json) {
          const json = cliJson(GetShaLifecycleResponseSchema, res);
          process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
          return;
        }
        if (res.shas.length === 0) {
          process.stdout.write(
            `No build or deployment of ${project} comes from a commit starting with ${shaPrefix}.\n`,
          );
          return;
        }
        const out: string[] = [];
        if (res.shas.length > 1)
          out.push(
            `${shaPrefix} matches ${res.shas.length} commits: ${res.shas.map((s) => s.slice(0, 12)).join(", ")}`,
          );
        const git = res.deployments[0]?.git ?? res.builds[0]?.git;
        if (git)
          out.push(
            `commit ${git.sha}${git.dirty ? " (dirty)" : ""}  ${git.branch || "-"}  ${git.author || "-"}`,
            `  ${truncate(git.message, 100)}`,
          );
        if (res.builds.length > 0) {
          out.push("", "Builds");
          out.push(
            renderTable(
              ["APP", "BUILD", "STATUS", "JOB"],
              res.builds.map((b) => [b.app, `#${b.seq}`, enumName(BuildStatus, b.status), b.jobId || "-"]),
            ),
          );
        }
        if (res.deployments.length > 0) {
          const served = new Map(res.served.map((s) => [s.deploymentId, s]));
          out.push("", "Deployments");
          out.push(
            renderTable(
              ["APP", "DEPLOYMENT", "STATUS", "SERVED", "CONFIG", "JOB"],
              res.deployments.map((d) => {
                const s = served.get(d.id);
                return [
                  d.app,
                  `v${d.seq}`,
                  enumName(DeploymentStatus, d.status),
                  s ? `${formatDuration(Number(s.servedMs))}${s.live ? " (live)" : ""}` : "never released",
                  d.configRevision ? `rev ${d.configRevision}` : "-",
                  d.jobId || "-",
                ];
              }),
            ),
          );
        }
        if (res.intervals.length > 0) {
          out.push("", "Served");
          out.push(
            renderTable(
              ["APP", "TRAFFIC", "SHA", "CONFIG", "FROM", "TO", "RELEASE"],
              res.intervals.map(intervalCells),
            ),
          );
        }
        if (res.events.length > 0) {
          out.push("", "Lifecycle");
          out.push(renderTable(["WHEN", "APP", "WHAT", "WHO"], res.events.map(eventCells)));
        }
        if (res.configRevisions.length > 0) {
          out.push("", "Config revisions it ran with");
          out.push(
            renderTable(
              ["REVISION", "SCOPE", "BY", "CHANGES"],
              res.configRevisions.map((r) => [
                `rev ${r.revision}`,
                r.app || "project",
                r.actor?.name || "-",
                r.changes.map((c) => c.name).join(", "),
              ]),
            ),
          );
        }
        process.stdout.write(`${out.join("\n")}\n`);
      },
    );
}
