import type { Command } from "commander";
import { registerAppsCommand } from "./apps.js";
import { registerAuditCommand } from "./audit.js";
import { registerBuildsCommand } from "./builds.js";
import { registerConfigCommand } from "./config.js";
import { registerConfigHistoryCommands } from "./config-history.js";
import { registerContextCommand } from "./context.js";
import { registerDeploymentsCommand } from "./deployments.js";
import { registerDestroyCommand } from "./destroy.js";
import { registerExecCommand } from "./exec.js";
import { registerInitCommand } from "./init.js";
import { registerJobsCommands } from "./jobs.js";
import { registerLoginCommand } from "./login.js";
import { registerLoginLinkCommand } from "./login-link.js";
import { registerLogsCommand } from "./logs.js";
import { registerProjectsCommand } from "./projects.js";
import { registerReleaseCommands } from "./release.js";
import { registerRouterCommand } from "./router.js";
import { registerRunnerCommands } from "./runner.js";
import { registerServerCommand } from "./server.js";
import { registerShipCommands } from "./ship.js";
import { registerStatusCommand } from "./status.js";
import { registerTokenCommands } from "./tokens.js";

/** Every `berth` command, one line each, in the order `berth --help` lists them. */
export function registerCommands(program: Command): void {
  registerServerCommand(program);
  registerRouterCommand(program);
  registerLoginCommand(program);
  registerLoginLinkCommand(program);
  registerContextCommand(program);
  registerProjectsCommand(program);
  registerAppsCommand(program);
  registerDeploymentsCommand(program);
  registerBuildsCommand(program);
  registerConfigCommand(program);
  registerConfigHistoryCommands(program);
  registerLogsCommand(program);
  registerExecCommand(program);
  registerInitCommand(program);
  registerShipCommands(program);
  registerReleaseCommands(program);
  registerDestroyCommand(program);
  registerStatusCommand(program);
  registerJobsCommands(program);
  registerRunnerCommands(program);
  registerTokenCommands(program);
  registerAuditCommand(program);
}
