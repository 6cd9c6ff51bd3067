import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { detectApp, renderBerthHcl } from "../config/init-config.js";
import { parseBerthConfig } from "../config/parse-berth-config.js";

/** `berth init`: writes a working berth.hcl for the app in the current directory. */
export function registerInitCommand(program: Command): void {
  program
    .command("init")
    .description("write a berth.hcl for the app in this directory (detects Node apps)")
    .option("--project <name>", "project name (default: the directory name)")
    .option("--app <name>", "app name (default: from package.json)")
    .option("--force", "overwrite an existing berth.hcl")
    .action(async (flags: { project?: string; app?: string; force?: boolean }) => {
      const file = join(process.cwd(), "berth.hcl");
      if (existsSync(file) && !flags.force)
        throw new Error("berth.hcl already exists (use --force to overwrite it)");
      const detected = await detectApp(process.cwd());
      if (flags.project) detected.project = flags.project;
      if (flags.app) detected.app = flags.app;
      const text = renderBerthHcl(detected);
      await parseBerthConfig(file, text, { sha: "", tag: "", dirty: false });
      await writeFile(file, text);
      process.stdout.write(
        `Wrote berth.hcl for ${detected.project}/${detected.app} (start: ${detected.startCommand}).\nNext: berth up\n`,
      );
    });
}
