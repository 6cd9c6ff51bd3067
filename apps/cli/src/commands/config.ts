import { type ConfigRevision, ConfigScope, ConfigService, ConfigVarSchema } from "@berth/proto";
import type { Command } from "commander";
import { currentConfigRevision } from "../client/current-state.js";
import { reportUnknownOutcome } from "../client/report-outcome.js";
import { colors } from "../output/colors.js";
import { printJsonList } from "../output/print-json.js";
import { sanitizeText } from "../output/sanitize-text.js";
import { renderTable } from "../output/table.js";
import { resolveOptionalApp, resolveProject } from "../target/resolve-target.js";
import { apiClientFor } from "./command-context.js";

interface ScopeFlags {
  project?: string;
  app?: string;
  projectScope?: boolean;
}

/** "KEY=VALUE" → [KEY, VALUE] (the value may contain "="). */
export function parseAssignment(arg: string): [string, string] {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new Error(`expected KEY=VALUE, got "${arg}"`);
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

// Writes need an explicit scope: the app (flag or berth.hcl), or --project-scope for project-wide variables.
async function writeScope(flags: ScopeFlags): Promise<{ scope: ConfigScope; project: string; app: string }> {
  if (flags.projectScope) {
    if (flags.app) throw new Error("give either --app or --project-scope, not both");
    return { scope: ConfigScope.PROJECT, project: await resolveProject(flags), app: "" };
  }
  const { project, app } = await resolveOptionalApp(flags);
  if (!app) throw new Error("missing --app (or pass --project-scope to change project-wide config)");
  return { scope: ConfigScope.APP, project, app };
}

function describeRevision(rev: ConfigRevision | undefined, where: string): string {
  if (!rev || rev.changes.length === 0)
    return `No change to ${where} (config revision ${rev?.revision ?? 0}).\n`;
  const marks: Record<string, string> = {
    added: colors.green("+"),
    changed: colors.yellow("~"),
    removed: colors.red("-"),
  };
  const changes = rev.changes.map(
    (c) => `${marks[c.change] ?? "?"} ${c.name}${c.secret ? colors.dim(" (secret)") : ""}`,
  );
  return `Config revision ${rev.revision} of ${where}: ${changes.join(", ")}\nRunning instances are replaced with it, each new process started and ready before the old one stops (one instance at a time when there are several).\n`;
}

function scopeFlags(cmd: Command): Command {
  return cmd
    .option("--project <name>", "project (default: from berth.hcl)")
    .option("--app <name>", "application (default: from berth.hcl)")
    .option("--project-scope", "act on project-wide variables instead of one app's");
}

/** `berth config set|get|unset`: config variables of an app or a project. */
export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("set, show and remove config variables");

  scopeFlags(config.command("set"))
    .description("set variables (a new config revision; instances restart with it)")
    .argument("<KEY=VALUE...>", "variables to set")
    .option("--secret", "store the values as secrets (never shown by get without --reveal)")
    .action(async (pairs: string[], opts: ScopeFlags & { secret?: boolean }, cmd: Command) => {
      const set = pairs.map(parseAssignment).map(([name, value]) => ({ name, value, secret: !!opts.secret }));
      const target = await writeScope(opts);
      const api = apiClientFor(cmd);
      const { revision } = await reportUnknownOutcome(
        () => api.client(ConfigService).setConfigVars({ ...target, set }),
        () => currentConfigRevision(api, target.project, target.app),
        "see berth config history",
      );
      process.stdout.write(
        describeRevision(revision, target.app ? `${target.project}/${target.app}` : target.project),
      );
    });

  scopeFlags(config.command("unset"))
    .description("remove variables")
    .argument("<KEY...>", "variables to remove")
    .action(async (names: string[], opts: ScopeFlags, cmd: Command) => {
      const target = await writeScope(opts);
      const api = apiClientFor(cmd);
      const { revision } = await reportUnknownOutcome(
        () => api.client(ConfigService).setConfigVars({ ...target, unset: names }),
        () => currentConfigRevision(api, target.project, target.app),
        "see berth config history",
      );
      process.stdout.write(
        describeRevision(revision, target.app ? `${target.project}/${target.app}` : target.project),
      );
    });

  scopeFlags(config.command("get"))
    .description("show variables (an app's effective config: project variables overlaid by its own)")
    .argument("[KEY]", "print only this variable's value")
    .option("--reveal", "show secret values (admin only)")
    .option("--json", "print JSON")
    .action(
      async (
        key: string | undefined,
        opts: ScopeFlags & { reveal?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        const { project, app } = opts.projectScope
          ? { project: await resolveProject(opts), app: undefined }
          : await resolveOptionalApp(opts);
        const res = await apiClientFor(cmd)
          .client(ConfigService)
          .listConfigVars({ project, app: app ?? "", reveal: !!opts.reveal });
        const vars = key ? res.vars.filter((v) => v.name === key) : res.vars;
        if (key && vars.length === 0)
          throw new Error(`config var "${key}" is not set for ${app ? `${project}/${app}` : project}`);
        if (opts.json) return printJsonList(ConfigVarSchema, vars);
        if (key) {
          const v = vars[0]!;
          if (v.masked) throw new Error(`"${key}" is a secret; add --reveal (admin only) to print it`);
          // A script gets the value as stored; a terminal gets it without control sequences.
          process.stdout.write(`${process.stdout.isTTY ? sanitizeText(v.value) : v.value}\n`);
          return;
        }
        if (vars.length === 0) {
          process.stdout.write(`No config variables for ${app ? `${project}/${app}` : project}.\n`);
          return;
        }
        const rows = vars.map((v) => [
          v.name,
          v.masked ? colors.dim("••••••") : v.value,
          v.scope === ConfigScope.APP ? "app" : "project",
          v.secret ? "secret" : "",
          `r${v.revision}`,
        ]);
        process.stdout.write(`${renderTable(["NAME", "VALUE", "SCOPE", "SECRET", "REVISION"], rows)}\n`);
      },
    );
}
