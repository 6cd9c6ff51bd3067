/** One line of app output, split on "\n" (the newline itself removed, every other byte kept). */
export interface SplitLine {
  data: Uint8Array;
  /** When the line was complete (ms since epoch). */
  timeMs: number;
}

export interface LineSplitterOptions {
  /** Longer lines are cut into pieces of this size, so one runaway line cannot hold memory. */
  maxLineBytes?: number;
  /** A partial line (no newline yet) is emitted after this long, so prompts and progress bars show up. */
  partialFlushMs?: number;
  now?: () => number;
}

export interface LineSplitter {
  push(chunk: Uint8Array): void;
  /** Emits whatever partial line is pending (the stream ended). */
  end(): void;
}

/** Splits a byte stream into lines, byte-exact (no decoding: escapes, invalid UTF-8 and HTML pass through). */
export function createLineSplitter(
  onLine: (line: SplitLine) => void,
  options: LineSplitterOptions = {},
): LineSplitter {
  const maxLineBytes = options.maxLineBytes ?? 64 * 1024;
  const partialFlushMs = options.partialFlushMs ?? 250;
  const now = options.now ?? Date.now;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | undefined;

  const emitPending = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    onLine({ data, timeMs: now() });
  };

  const addPartial = (part: Buffer) => {
    let rest = part;
    while (pendingBytes + rest.length >= maxLineBytes) {
      const take = maxLineBytes - pendingBytes;
      pending.push(rest.subarray(0, take));
      pendingBytes += take;
      rest = rest.subarray(take);
      emitPending();
    }
    if (rest.length > 0) {
      pending.push(rest);
      pendingBytes += rest.length;
    }
  };

  return {
    push(chunk) {
      const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
        // Copy: the chunk's memory may be reused by the stream, and a line outlives it in buffers.
        addPartial(Buffer.from(buf.subarray(start, nl)));
        emitPending();
        start = nl + 1;
      }
      if (start < buf.length) {
        addPartial(Buffer.from(buf.subarray(start)));
        if (pendingBytes > 0 && !timer) {
          timer = setTimeout(emitPending, partialFlushMs);
          timer.unref();
        }
      }
    },
    end() {
      if (pendingBytes > 0) emitPending();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
