import { PassThrough, Writable } from "node:stream";
import type { V1Status } from "@kubernetes/client-node";
import type { NativeExec, NativeExecRequest } from "../platform.js";
import { containerName } from "./deployment-manifest.js";
import { type KubeTarget, kubeError } from "./kube-client.js";

type Chunk = { stream: "stdout" | "stderr"; data: Uint8Array };

/** The exit code in an exec's final Status (channel 3): Success is 0, NonZeroExitCode carries it as a cause. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : 1;
}

/** A sink the client's Exec writes one channel to. */
class ChannelSink extends Writable {
  constructor(
    private readonly queue: PassThrough,
    private readonly stream: Chunk["stream"],
  ) {
    super();
  }
  override _write(data: Buffer, _enc: BufferEncoding, done: () => void): void {
    if (!this.queue.writableEnded) this.queue.write({ stream: this.stream, data: new Uint8Array(data) });
    done();
  }
}

/** A TTY's sink: the client sends its size on channel 4 at start and on every "resize" event. */
class TerminalSink extends ChannelSink {
  rows = 24;
  columns = 80;
}

/**
 * A command in a pod's container through the client's Exec (the pod exec WebSocket, channel.k8s.io): stdin on
 * channel 0, stdout 1, stderr 2 (none with a TTY: the kubelet merges them), the final Status with the exit code
 * on 3, and terminal sizes on 4 (the client sends them when its stdout is resizable: `rows`, `columns` and a
 * "resize" event).
 */
export async function podExec(
  target: KubeTarget,
  podName: string,
  request: NativeExecRequest,
  signal: AbortSignal,
): Promise<NativeExec> {
  const { Exec } = await import("@kubernetes/client-node");
  const queue = new PassThrough({ objectMode: true });
  const terminal = new TerminalSink(queue, "stdout");
  terminal.columns = request.cols || 80;
  terminal.rows = request.rows || 24;
  // Only a TTY has a size (the client sends channel 4 for a stdout that has one) and no stderr of its own.
  const out: Writable = request.tty ? terminal : new ChannelSink(queue, "stdout");
  const stderr = request.tty ? null : new ChannelSink(queue, "stderr");
  const stdin = new PassThrough();
  let settle: (code: number) => void = () => {};
  const exit = new Promise<{ code: number }>((resolve) => {
    settle = (code) => resolve({ code });
  });
  const ws = await new Exec(target.kc)
    .exec(target.namespace, podName, containerName, request.args, out, stderr, stdin, request.tty, (s) =>
      settle(exitCodeOf(s)),
    )
    .catch((err: unknown) => {
      throw kubeError(err, target, `exec in pod ${podName}`);
    });
  const kill = () => ws.close();
  signal.addEventListener("abort", kill, { once: true });
  ws.on("close", () => {
    signal.removeEventListener("abort", kill);
    queue.end();
    // Closed before a Status came: the command's end was not reported (killed, connection lost).
    settle(-1);
  });
  return {
    output: queue,
    write: (data) => void stdin.write(data),
    closeInput: () => void stdin.end(),
    resize(cols, rows) {
      if (!request.tty) return;
      terminal.columns = cols;
      terminal.rows = rows;
      terminal.emit("resize");
    },
    exit,
    kill,
  };
}
