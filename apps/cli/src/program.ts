import { Command } from "commander";
// Inlined by the bundle: the built `berth` needs no package.json next to it.
import packageJson from "../package.json" with { type: "json" };
import { registerCommands } from "./commands/register-commands.js";

/** The `berth` command tree. */
export function createProgram(): Command {
  const { version } = packageJson;
  const program = new Command("berth")
    .version(version, "-v, --version", "print the berth version")
    .description(
      "Berth: ship your app from a berth.hcl, browse its history by git SHA, release and roll back",
    )
    .option("--context <name>", "saved login to use (default: the current one; see berth context list)")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (str, write) => write(str) });
  registerCommands(program);
  return program;
}
