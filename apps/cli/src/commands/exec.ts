import { constants } from "node:os";
import { ExecService, type StartExecStreamRequest, StartExecStreamRequestSchema } from "@berth/proto";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Command } from "commander";
import { apiClientFor } from "./command-context.js";
import { addDeploymentTargetOptions, pickDeployment } from "./pick-deployment.js";

interface ExecFlags {
  project?: string;
  app?: string;
  deployment?: number;
  instance?: string;
  tty?: boolean;
}

type Msg = MessageInitShape<typeof StartExecStreamRequestSchema>["msg"];

/** An async iterable of requests fed from event handlers. */
function requestQueue() {
  const items: StartExecStreamRequest[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  return {
    send(msg: Msg) {
      if (ended) return;
      items.push(create(StartExecStreamRequestSchema, { msg }));
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = items.shift();
        if (next) yield next;
        else if (ended) return;
        else await new Promise<void>((r) => (wake = r));
      }
    },
  };
}

/** `berth exec`: runs a command inside a running instance (a PTY with -t), passing its exit code through. */
export function registerExecCommand(program: Command): void {
  addDeploymentTargetOptions(
    program
      .command("exec")
      .description("run a command in a running instance of the app (its directory, env and config)"),
  )
    .option("-i, --instance <id>", "a specific instance (default: any running one)")
    .option("-t, --tty", "allocate a terminal (interactive shells, editors, Ctrl-C)")
    .argument("<command...>", "the command and its arguments, after --")
    .action(async (args: string[], flags: ExecFlags, cmd: Command) => {
      const api = apiClientFor(cmd);
      const deploymentId = flags.instance ? "" : (await pickDeployment(api, flags)).id;
      const tty = !!flags.tty;
      const stdin = process.stdin;
      const raw = tty && stdin.isTTY;
      const q = requestQueue();
      q.send({
        case: "start",
        value: {
          deploymentId,
          instanceId: flags.instance ?? "",
          args,
          tty,
          size: tty ? { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 } : undefined,
        },
      });
      const onResize = () =>
        q.send({
          case: "resize",
          value: { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 },
        });
      // Ctrl-C without a terminal is passed on to the command, as a terminal would.
      const onInterrupt = () => q.send({ case: "signal", value: "SIGINT" });
      // Killed: end the session, not just the command's main process. The instance then hangs up on the
      // command's whole session (SIGHUP, then SIGKILL), background jobs included.
      const cancel = new AbortController();
      const onTerminate = () => cancel.abort();
      process.on("SIGTERM", onTerminate);
      if (raw) {
        stdin.setRawMode(true);
        process.stdout.on("resize", onResize);
      } else {
        process.on("SIGINT", onInterrupt);
      }
      // A terminal without -t has no input to give; piped input is forwarded, then closed.
      const forwardStdin = tty || !stdin.isTTY;
      if (forwardStdin) {
        stdin.on("data", (d: Buffer) => q.send({ case: "stdin", value: d }));
        stdin.on("end", () => q.send({ case: "closeStdin", value: true }));
      } else q.send({ case: "closeStdin", value: true });
      let code = 1;
      try {
        for await (const res of api.client(ExecService).startExecStream(q, { signal: cancel.signal })) {
          switch (res.msg.case) {
            case "stdout":
              process.stdout.write(res.msg.value);
              break;
            case "stderr":
              process.stderr.write(res.msg.value);
              break;
            case "exit":
              code = res.msg.value.code;
              break;
            default:
              break;
          }
        }
      } catch (err) {
        if (!cancel.signal.aborted) throw err;
        code = 128 + constants.signals.SIGTERM;
      } finally {
        q.end();
        if (raw) stdin.setRawMode(false);
        process.stdout.off("resize", onResize);
        process.off("SIGINT", onInterrupt);
        process.off("SIGTERM", onTerminate);
        stdin.pause();
      }
      process.exitCode = code;
    });
}
