import type { RawData, WebSocket } from "ws";

/** One WebSocket message. */
export interface Frame {
  data: Buffer;
  isBinary: boolean;
}

/** Buffers a socket's messages from the moment it opens, so none is lost while the bridge sets up. */
export interface FrameInbox {
  /** The first frame; undefined when the socket closed or `timeoutMs` passed first. */
  first(timeoutMs: number): Promise<Frame | undefined>;
  /** Hands every later frame to `handler`, those already queued first, in order. */
  drainTo(handler: (frame: Frame) => void): void;
}

function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/**
 * Starts listening at once. Call it synchronously in the upgrade handler: ws emits several messages
 * of one TCP read back to back, and a listener attached after an `await` would miss them.
 */
export function createFrameInbox(socket: WebSocket): FrameInbox {
  const queued: Frame[] = [];
  let deliver: ((frame: Frame) => void) | undefined;
  let wake: (() => void) | undefined;
  socket.on("message", (data: RawData, isBinary: boolean) => {
    const frame = { data: toBuffer(data), isBinary };
    if (deliver) deliver(frame);
    else {
      queued.push(frame);
      wake?.();
    }
  });
  socket.on("close", () => wake?.());

  return {
    async first(timeoutMs) {
      if (queued.length === 0 && socket.readyState === socket.OPEN) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return queued.shift();
    },
    drainTo(handler) {
      for (const frame of queued.splice(0)) handler(frame);
      deliver = handler;
    },
  };
}
