import { ProjectService } from "@berth/proto";
import type { Command } from "commander";
import { confirmName } from "../input/confirm-name.js";
import { resolveProject } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";

/** `berth apps delete <app>` and `berth projects delete <project>`: stop everything, keep the history. */
export function registerDeleteCommands(apps: Command, projects: Command): void {
  apps
    .command("delete")
    .description(
      "stop every instance of an app, destroy its deployments and remove it (history stays; admin)",
    )
    .argument("<app>", "the application")
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("-y, --yes", "do not ask for the app's name to confirm")
    .action(async (app: string, flags: { project?: string; yes?: boolean }, cmd: Command) => {
      const project = await resolveProject(flags);
      if (!flags.yes)
        await confirmName(
          `This stops every instance of ${project}/${app}, destroys its deployments and takes its URL down.\nType the app's name (${app}) to delete it: `,
          app,
        );
      const res = await apiClientFor(cmd).client(ProjectService).deleteApplication({ app: { project, app } });
      const seqs = res.destroyedSeqs.map((s) => `v${s}`).join(", ");
      process.stdout.write(
        `Deleted ${project}/${app}${seqs ? ` (destroyed ${seqs})` : ""}; its history and audit trail stay.\n`,
      );
    });

  projects
    .command("delete")
    .description("delete every app of a project, then the project (history stays; admin)")
    .argument("<project>", "the project")
    .option("-y, --yes", "do not ask for the project's name to confirm")
    .action(async (project: string, flags: { yes?: boolean }, cmd: Command) => {
      if (!flags.yes)
        await confirmName(
          `This deletes every app of project ${project}: all instances stop and its URLs go down.\nType the project's name (${project}) to delete it: `,
          project,
        );
      const res = await apiClientFor(cmd).client(ProjectService).deleteProject({ name: project });
      const apps = res.applications.length > 0 ? res.applications.join(", ") : "no apps";
      process.stdout.write(
        `Deleted project ${project} (${apps}; ${res.destroyedDeployments} deployment(s) destroyed); its history and audit trail stay.\n`,
      );
    });
}
