import { hostname } from "node:os";
import { resolve } from "node:path";
import { RunnerSchema, RunnerService } from "@berth/proto";
import type { Command } from "commander";
import { printJsonList } from "../output/print-json.js";
import { renderTable } from "../output/table.js";
import { startRunnerSession } from "../runner/runner-session.js";
import { apiClientFor } from "./command-context.js";

/** `berth runner agent` (a runner in this process until Ctrl-C) and `berth runner list`. */
export function registerRunnerCommands(program: Command): void {
  const runner = program.command("runner").description("runners that execute build jobs");
  runner
    .command("agent")
    .description("run a runner agent here: takes build jobs and builds them from --dir")
    .option("--name <name>", "runner name", `agent@${hostname()}`)
    .option("--dir <path>", "working tree builds run from", ".")
    .action(async (flags: { name: string; dir: string }, cmd: Command) => {
      const stop = new AbortController();
      process.once("SIGINT", () => stop.abort());
      process.once("SIGTERM", () => stop.abort());
      const session = startRunnerSession({
        api: apiClientFor(cmd),
        name: flags.name,
        kind: "agent",
        rootDir: resolve(flags.dir),
        signal: stop.signal,
        onJob: (job) => process.stderr.write(`job ${job.id}: build ${job.project}/${job.app}\n`),
        onJobDone: (job, error) =>
          process.stderr.write(`job ${job.id}: ${error ? `error: ${error}` : "done"}\n`),
      });
      const id = await session.registered;
      process.stderr.write(`runner ${flags.name} registered as ${id}; waiting for jobs (Ctrl-C to stop)\n`);
      await session.done;
    });
  runner
    .command("list")
    .description("runners the server knows, and whether they are online")
    .option("--json", "print JSON")
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { runners } = await apiClientFor(cmd).client(RunnerService).listRunners({});
      if (flags.json) return printJsonList(RunnerSchema, runners);
      process.stdout.write(
        `${renderTable(
          ["ID", "NAME", "KIND", "ONLINE", "JOB"],
          runners.map((r) => [r.id, r.name, r.kind, r.online ? "yes" : "no", r.currentJobId || "-"]),
        )}\n`,
      );
    });
}
