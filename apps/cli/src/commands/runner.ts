import { hostname } from "node:os";
import { resolve } from "node:path";
import { backoffDelayMs, isConnectionLost, isServerUnavailable, sleep } from "@berth/failover";
import { RunnerSchema, RunnerService } from "@berth/proto";
import { ConnectError } from "@connectrpc/connect";
import type { Command } from "commander";
import { printJsonList } from "../output/print-json.js";
import { renderTable } from "../output/table.js";
import { type RunnerSession, startRunnerSession } from "../runner/runner-session.js";
import { apiClientFor } from "./command-context.js";

/**
 * Keeps the agent registered: when its stream to the server is lost (a restart, or a replica that died: the next
 * address takes over), it registers again after a jittered pause. Any other end of the stream ends the agent.
 */
async function stayConnected(
  first: RunnerSession,
  start: () => RunnerSession,
  signal: AbortSignal,
): Promise<void> {
  let session = first;
  for (let attempt = 0; ; attempt++) {
    try {
      await session.done;
      if (signal.aborted) return;
      process.stderr.write("the server ended the runner stream; registering again\n");
    } catch (err) {
      if (signal.aborted || !(isConnectionLost(err) || isServerUnavailable(err))) throw err;
      process.stderr.write(`lost the server (${ConnectError.from(err).rawMessage}); registering again\n`);
    }
    await sleep(backoffDelayMs(attempt, { baseMs: 200, maxMs: 10_000 }), signal);
    if (signal.aborted) return;
    session = start();
    const id = await session.registered.catch(() => undefined);
    if (id) {
      attempt = -1;
      process.stderr.write(`runner registered again as ${id}\n`);
    }
  }
}

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
      const api = apiClientFor(cmd);
      const start = () =>
        startRunnerSession({
          api,
          name: flags.name,
          kind: "agent",
          rootDir: resolve(flags.dir),
          signal: stop.signal,
          onJob: (job) => process.stderr.write(`job ${job.id}: build ${job.project}/${job.app}\n`),
          onJobDone: (job, error) =>
            process.stderr.write(`job ${job.id}: ${error ? `error: ${error}` : "done"}\n`),
        });
      const first = start();
      const id = await first.registered;
      process.stderr.write(`runner ${flags.name} registered as ${id}; waiting for jobs (Ctrl-C to stop)\n`);
      await stayConnected(first, start, stop.signal);
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
