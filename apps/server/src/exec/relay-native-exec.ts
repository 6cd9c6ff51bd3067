import {
  type ExecStart,
  type StartExecStreamRequest,
  type StartExecStreamResponse,
  StartExecStreamResponseSchema,
} from "@berth/proto";
import { abortable } from "@berth/streams";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { NativeExec, Platform } from "../platforms/platform.js";
import type { ExecTarget } from "./pick-exec-target.js";

/**
 * The relay of an exec that runs through the instance's platform (no entrypoint connected): the client's
 * stdin, resizes and signals go to the engine's exec, its output and exit code come back in the same messages
 * as through an entrypoint. The command ends when the client goes away.
 */
export async function* relayNativeExec(
  platform: Platform,
  target: ExecTarget,
  sessionId: string,
  start: ExecStart,
  requests: AsyncIterator<StartExecStreamRequest>,
  signal: AbortSignal,
): AsyncGenerator<StartExecStreamResponse> {
  let proc: NativeExec;
  try {
    proc = await platform.nativeExec!(
      target.instanceId,
      { args: start.args, tty: start.tty, cols: start.size?.cols ?? 0, rows: start.size?.rows ?? 0 },
      signal,
    );
  } catch (err) {
    throw new ConnectError(
      `the platform could not start the command in instance ${target.instanceId}: ${(err as Error).message}`,
      Code.Unavailable,
      undefined,
      undefined,
      err,
    );
  }
  let exited = false;
  void pumpInput(proc, start.tty, requests).catch(() => {
    // The client went away; the finally below ends the command.
  });
  try {
    yield create(StartExecStreamResponseSchema, {
      msg: {
        case: "started",
        value: { sessionId, instanceId: target.instanceId, deploymentId: target.deploymentId },
      },
    });
    for await (const o of abortable(proc.output, signal)) {
      yield create(StartExecStreamResponseSchema, {
        msg: { case: o.stream === "stderr" ? "stderr" : "stdout", value: o.data },
      });
    }
    const { code } = await proc.exit;
    exited = true;
    yield create(StartExecStreamResponseSchema, { msg: { case: "exit", value: { code, signal: "" } } });
  } finally {
    if (!exited) proc.kill();
  }
}

/** The client's messages after `start`, as the engine's exec takes them. */
async function pumpInput(
  proc: NativeExec,
  tty: boolean,
  requests: AsyncIterator<StartExecStreamRequest>,
): Promise<void> {
  for await (const m of { [Symbol.asyncIterator]: () => requests }) {
    const msg = m.msg;
    if (msg.case === "stdin") proc.write(msg.value);
    else if (msg.case === "resize") proc.resize(msg.value.cols, msg.value.rows);
    else if (msg.case === "closeStdin") proc.closeInput();
    // An engine's exec takes no signals: on a terminal ^C is SIGINT; anything else ends the command.
    else if (msg.case === "signal") {
      if (tty && msg.value === "SIGINT") proc.write(new Uint8Array([3]));
      else proc.kill();
    }
  }
}
