import {
  EntrypointExecRequestSchema,
  type EntrypointService,
  type EntrypointSessionResponse_ExecRequest,
} from "@berth/proto";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import type { RunAs } from "./entrypoint-env.js";
import { createExecOutputQueue } from "./exec-output-queue.js";
import { type ExecProcess, startExecProcess } from "./exec-process.js";

export interface ExecChannelOptions {
  client: Client<typeof EntrypointService>;
  request: EntrypointSessionResponse_ExecRequest;
  cwd: string;
  env: Record<string, string>;
  /** The app's user: exec'd commands run as the app does. */
  user?: RunAs;
  /** Aborted when the session's client is gone for sure: the entrypoint stops, or loses the server. */
  signal: AbortSignal;
  /** How long the command gets between the hang-up (SIGHUP) and SIGKILL once its client is gone; 2 s. */
  endGraceMs?: number;
  /** Output bytes in flight above which the command is paused (so `yes` cannot flood memory); 128 KB for a PTY, 512 KB for pipes. */
  highWaterMark?: number;
  lowWaterMark?: number;
}

/**
 * Runs one exec session: starts the command and relays it over its own EntrypointExec stream
 * (output and exit up, stdin/resize/signals down). Resolves when the session is over.
 */
export async function runExecChannel(options: ExecChannelOptions): Promise<void> {
  const { request } = options;
  // A terminal keeps less in flight: after Ctrl-C, what is in flight still has to drain to the screen.
  const high = options.highWaterMark ?? (request.tty ? 128 * 1024 : 512 * 1024);
  const low = options.lowWaterMark ?? high / 4;
  let proc: ExecProcess | undefined;
  let running = false;
  const out = createExecOutputQueue({
    highWaterMark: high,
    lowWaterMark: low,
    pause: () => proc?.pause(),
    resume: () => proc?.resume(),
  });
  const send = (msg: MessageInitShape<typeof EntrypointExecRequestSchema>["msg"]) =>
    out.push(create(EntrypointExecRequestSchema, { msg }));
  send({ case: "sessionId", value: request.sessionId });
  try {
    proc = startExecProcess({
      args: request.args,
      tty: request.tty,
      cols: request.size?.cols,
      rows: request.size?.rows,
      cwd: options.cwd,
      env: options.env,
      user: options.user,
      onData: out.output,
      onExit(code, signal) {
        running = false;
        send({ case: "exit", value: { code, signal } });
        out.end();
      },
    });
    running = true;
  } catch (err) {
    send({ case: "error", value: `cannot run ${request.args[0] ?? "(no command)"}: ${String(err)}` });
    out.end();
  }
  try {
    for await (const m of options.client.entrypointExec(out.messages, { signal: options.signal })) {
      if (!proc) continue;
      switch (m.msg.case) {
        case "stdin":
          proc.write(m.msg.value);
          break;
        case "resize":
          proc.resize(m.msg.value.cols, m.msg.value.rows);
          break;
        case "closeStdin":
          proc.closeStdin();
          break;
        case "signal":
          proc.kill(m.msg.value);
          break;
      }
    }
  } finally {
    // The server (or the person) went away: a command nobody reads from must not linger, nor its children.
    out.end();
    if (running) await proc?.end(options.endGraceMs ?? 2_000);
  }
}
