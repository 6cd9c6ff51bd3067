import {
  type EntrypointExecRequest,
  EntrypointExecRequestSchema,
  type EntrypointService,
  type EntrypointSessionResponse_ExecRequest,
} from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import type { RunAs } from "./entrypoint-env.js";
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
  let paused = false;
  let running = false;
  const up = createPushQueue<EntrypointExecRequest>({
    sizeOf: (m) => (m.msg.case === "output" ? m.msg.value.data.byteLength : 0),
    onTake(pending) {
      if (paused && pending <= low) {
        paused = false;
        proc?.resume();
      }
    },
  });
  const send = (msg: MessageInitShape<typeof EntrypointExecRequestSchema>["msg"]) =>
    up.push(create(EntrypointExecRequestSchema, { msg }));
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
      onData(data, stderr) {
        // While the stream is behind, chunks still queued are joined (up to 256 KB): far fewer messages.
        up.pushOrMerge(
          create(EntrypointExecRequestSchema, { msg: { case: "output", value: { data, stderr } } }),
          (last, next) => {
            if (last.msg.case !== "output" || next.msg.case !== "output") return undefined;
            if (last.msg.value.stderr !== next.msg.value.stderr) return undefined;
            if (last.msg.value.data.byteLength + next.msg.value.data.byteLength > 256 * 1024)
              return undefined;
            last.msg.value.data = Buffer.concat([last.msg.value.data, next.msg.value.data]);
            return last;
          },
        );
        if (!paused && up.pendingBytes > high) {
          paused = true;
          proc?.pause();
        }
      },
      onExit(code, signal) {
        running = false;
        send({ case: "exit", value: { code, signal } });
        up.end();
      },
    });
    running = true;
  } catch (err) {
    send({ case: "error", value: `cannot run ${request.args[0] ?? "(no command)"}: ${String(err)}` });
    up.end();
  }
  try {
    for await (const m of options.client.entrypointExec(up, { signal: options.signal })) {
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
    up.end();
    if (running) await proc?.end(options.endGraceMs ?? 2_000);
  }
}
