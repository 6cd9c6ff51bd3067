import { type EntrypointExecRequest, EntrypointExecRequestSchema } from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create } from "@bufbuild/protobuf";

export interface ExecOutputQueueOptions {
  /** Output bytes queued above which the command is paused (the reader is behind). */
  highWaterMark: number;
  /** Queued bytes at or below which a paused command resumes. */
  lowWaterMark: number;
  /** The largest output message a join may make; 256 KB. */
  maxMessageBytes?: number;
  /**
   * While output streams (the last message sent was at least `streamingBytes`, less than `streamWindowMs` ago), a
   * chunk is held up to `streamWindowMs` (2 ms) or until `streamFlushBytes` (64 KB) are held: a PTY hands out at most
   * 4 KB per read, and every message costs an envelope, an HTTP/2 frame and a relay hop at the server and the BFF.
   */
  streamWindowMs?: number;
  /** 2 KB: a keystroke's echo is far smaller, so it never waits. */
  streamingBytes?: number;
  streamFlushBytes?: number;
  pause(): void;
  resume(): void;
  /** The clock (tests). */
  now?(): number;
}

/** The up-stream of an exec session, with output coalescing and flow control. */
export interface ExecOutputQueue {
  /** What the EntrypointExec call sends. */
  readonly messages: AsyncIterable<EntrypointExecRequest>;
  /** Output bytes queued and not yet taken by the transport (held ones excluded). */
  readonly pendingBytes: number;
  /**
   * Queues command output. Sent at once when the session is idle (no timer: a keystroke's echo must not wait);
   * joined with output still queued while the transport is busy with a send, up to `maxMessageBytes`; held briefly
   * while output streams (see `streamWindowMs`).
   */
  output(data: Uint8Array, stderr: boolean): void;
  /** Queues any other message, after the output held so far. */
  push(msg: EntrypointExecRequest): void;
  /** Sends what is held, then ends the stream. */
  end(): void;
}

interface Item {
  msg: EntrypointExecRequest;
  /** Output pieces, joined once when the transport takes the item (not at every merge). */
  pieces: Uint8Array[];
  bytes: number;
  stderr: boolean;
}

/**
 * The output side of an exec session. A busy stream coalesces small PTY reads into few large messages; an idle one
 * adds no delay.
 */
export function createExecOutputQueue(options: ExecOutputQueueOptions): ExecOutputQueue {
  const maxMessageBytes = options.maxMessageBytes ?? 256 * 1024;
  const windowMs = options.streamWindowMs ?? 2;
  const streamingBytes = options.streamingBytes ?? 2048;
  const flushBytes = Math.min(options.streamFlushBytes ?? 64 * 1024, maxMessageBytes);
  const now = options.now ?? (() => performance.now());
  let paused = false;
  let lastTaken = { at: Number.NEGATIVE_INFINITY, bytes: 0 };
  let held: Item | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const queue = createPushQueue<Item>({
    sizeOf: (i) => i.bytes,
    onTake(pending) {
      if (paused && pending <= options.lowWaterMark) {
        paused = false;
        options.resume();
      }
    },
  });
  const join = (last: Item, next: Item) => {
    if (last.pieces.length === 0 || next.pieces.length === 0 || last.stderr !== next.stderr) return undefined;
    if (last.bytes + next.bytes > maxMessageBytes) return undefined;
    last.pieces.push(...next.pieces);
    last.bytes += next.bytes;
    return last;
  };
  const enqueue = (item: Item) => {
    queue.pushOrMerge(item, join);
    if (!paused && queue.pendingBytes > options.highWaterMark) {
      paused = true;
      options.pause();
    }
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (held) enqueue(held);
    held = undefined;
  };

  async function* messages(): AsyncGenerator<EntrypointExecRequest> {
    for await (const item of queue) {
      if (item.pieces.length > 0) {
        lastTaken = { at: now(), bytes: item.bytes };
        if (item.msg.msg.case === "output")
          item.msg.msg.value.data = item.pieces.length === 1 ? item.pieces[0]! : Buffer.concat(item.pieces);
      }
      yield item.msg;
    }
  }

  return {
    messages: messages(),
    get pendingBytes() {
      return queue.pendingBytes;
    },
    output(data, stderr) {
      const item: Item = {
        msg: create(EntrypointExecRequestSchema, { msg: { case: "output", value: { stderr } } }),
        pieces: [data],
        bytes: data.byteLength,
        stderr,
      };
      if (held) {
        if (join(held, item)) {
          if (held.bytes >= flushBytes) flush();
          return;
        }
        flush();
      }
      const streaming = lastTaken.bytes >= streamingBytes && now() - lastTaken.at < windowMs;
      // Idle, or the transport is busy (the chunk joins what is queued): no timer either way.
      if (!streaming || queue.pendingBytes > 0) return enqueue(item);
      held = item;
      timer = setTimeout(flush, windowMs);
    },
    push(msg) {
      flush();
      queue.push({ msg, pieces: [], bytes: 0, stderr: false });
    },
    end() {
      flush();
      queue.end();
    },
  };
}
