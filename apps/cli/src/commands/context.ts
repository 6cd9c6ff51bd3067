import type { Command } from "commander";
import { readContexts, useContext } from "../contexts/context-store.js";
import { colors } from "../output/colors.js";
import { renderTable } from "../output/table.js";

/** `berth context list|use`: the saved logins. */
export function registerContextCommand(program: Command): void {
  const context = program.command("context").description("list saved logins or switch between them");

  context
    .command("list")
    .description("list saved contexts (* marks the current one)")
    .option("--json", "print JSON (tokens left out)")
    .action((opts: { json?: boolean }) => {
      const file = readContexts();
      if (opts.json) {
        const list = file.contexts.map((c) => ({
          name: c.name,
          server: c.server,
          current: c.name === file.current,
        }));
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      if (file.contexts.length === 0) {
        process.stdout.write("No contexts yet: run berth login --server <url>\n");
        return;
      }
      const rows = file.contexts.map((c) => [
        c.name === file.current ? colors.green("*") : "",
        c.name === file.current ? colors.bold(c.name) : c.name,
        c.server,
      ]);
      process.stdout.write(`${renderTable(["", "NAME", "SERVER"], rows)}\n`);
    });

  context
    .command("use")
    .description("make a saved context the current one")
    .argument("<name>", "context name (see berth context list)")
    .action((name: string) => {
      const found = useContext(name);
      process.stdout.write(`Now using context "${found.name}" (${found.server}).\n`);
    });
}
