import { type EntrypointExecRequest, EntrypointExecRequestSchema } from "@berth/proto";
import { createPushQueue, type PushQueue } from "@berth/streams";
import { create } from "@bufbuild/protobuf";

export interface ExecOutputQueueOptions {
  /** Output bytes queued above which the command is paused (the reader is behind). */
  highWaterMark: number;
  /** Queued bytes at or below which a paused command resumes. */
  lowWaterMark: number;
  /** The largest output message a join may make; 256 KB. */
  maxMessageBytes?: number;
  pause(): void;
  resume(): void;
}

/** The up-stream of an exec session, with output coalescing and flow control. */
export interface ExecOutputQueue {
  /** What the EntrypointExec call sends. */
  readonly messages: PushQueue<EntrypointExecRequest>;
  /**
   * Queues command output. Sent at once when the stream is idle (no timer: a keystroke's echo must not wait);
   * joined with the output still queued while the transport is busy with a send, up to `maxMessageBytes`.
   */
  output(data: Uint8Array, stderr: boolean): void;
}

/**
 * The output side of an exec session. A busy stream coalesces small PTY reads into few large messages (each costs
 * a protobuf envelope, an HTTP/2 frame and a relay hop at the server and the BFF); an idle one adds no delay.
 */
export function createExecOutputQueue(options: ExecOutputQueueOptions): ExecOutputQueue {
  const maxMessageBytes = options.maxMessageBytes ?? 256 * 1024;
  let paused = false;
  const messages = createPushQueue<EntrypointExecRequest>({
    sizeOf: (m) => (m.msg.case === "output" ? m.msg.value.data.byteLength : 0),
    onTake(pending) {
      if (paused && pending <= options.lowWaterMark) {
        paused = false;
        options.resume();
      }
    },
  });
  const join = (last: EntrypointExecRequest, next: EntrypointExecRequest) => {
    if (last.msg.case !== "output" || next.msg.case !== "output") return undefined;
    if (last.msg.value.stderr !== next.msg.value.stderr) return undefined;
    if (last.msg.value.data.byteLength + next.msg.value.data.byteLength > maxMessageBytes) return undefined;
    last.msg.value.data = Buffer.concat([last.msg.value.data, next.msg.value.data]);
    return last;
  };
  return {
    messages,
    output(data, stderr) {
      messages.pushOrMerge(
        create(EntrypointExecRequestSchema, { msg: { case: "output", value: { data, stderr } } }),
        join,
      );
      if (!paused && messages.pendingBytes > options.highWaterMark) {
        paused = true;
        options.pause();
      }
    },
  };
}
