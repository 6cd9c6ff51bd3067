import type { SplitLine } from "./line-splitter.js";

/** A line waiting to be uploaded. `seq` orders lines of this entrypoint and lets the server drop resends. */
export interface PendingLine extends SplitLine {
  stream: "stdout" | "stderr";
  seq: bigint;
}

export interface LogBufferOptions {
  maxLines?: number;
  maxBytes?: number;
  /** First sequence number. Time-based by default, so a restarted entrypoint continues above its old numbers. */
  firstSeq?: bigint;
}

export interface LogBatch {
  lines: PendingLine[];
  bytes: number;
  /** Lines dropped (buffer full) before this batch and not reported yet. */
  dropped: bigint;
}

/**
 * The lines not yet sent to the server, bounded by lines and bytes. When full the oldest are dropped
 * and counted: the app must never block on its logs. A batch being uploaded is taken out (so it is
 * neither dropped nor counted twice) and put back in front if the upload fails.
 */
export interface LogBuffer {
  push(line: SplitLine, stream: "stdout" | "stderr"): void;
  /** Takes the oldest lines, up to the limits, with the count of drops not reported yet. */
  take(maxBytes: number, maxLines: number): LogBatch;
  /** The upload failed: the batch goes back in front (then the bounds apply again). */
  putBack(batch: LogBatch): void;
  readonly lines: number;
  readonly bytes: number;
  readonly droppedTotal: bigint;
  /** Dropped lines not yet reported to the server. */
  readonly droppedUnreported: bigint;
  /** Called after each push (an idle uploader uses it to send at once). */
  onPush?: () => void;
}

const lineOverhead = 32;

/** Creates a bounded buffer of pending log lines. */
export function createLogBuffer(options: LogBufferOptions = {}): LogBuffer {
  const maxLines = options.maxLines ?? 50_000;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  let nextSeq = options.firstSeq ?? BigInt(Date.now()) * 1000n;
  // A plain array with a moving head: shift() is O(n) on large arrays.
  let items: PendingLine[] = [];
  let head = 0;
  let bytes = 0;
  let droppedUnreported = 0n;
  let droppedTotal = 0n;

  const enforceBounds = () => {
    while (items.length - head > maxLines || bytes > maxBytes) {
      const old = items[head]!;
      head++;
      bytes -= old.data.byteLength + lineOverhead;
      droppedUnreported++;
      droppedTotal++;
    }
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
  };

  const buffer: LogBuffer = {
    push(line, stream) {
      items.push({ ...line, stream, seq: nextSeq++ });
      bytes += line.data.byteLength + lineOverhead;
      enforceBounds();
      buffer.onPush?.();
    },
    take(maxBatchBytes, maxBatchLines) {
      const lines: PendingLine[] = [];
      let size = 0;
      while (head < items.length && lines.length < maxBatchLines) {
        const line = items[head]!;
        if (lines.length > 0 && size + line.data.byteLength > maxBatchBytes) break;
        lines.push(line);
        size += line.data.byteLength;
        bytes -= line.data.byteLength + lineOverhead;
        head++;
      }
      const dropped = droppedUnreported;
      droppedUnreported = 0n;
      enforceBounds();
      return { lines, bytes: size, dropped };
    },
    putBack(batch) {
      items = [...batch.lines, ...items.slice(head)];
      head = 0;
      for (const l of batch.lines) bytes += l.data.byteLength + lineOverhead;
      droppedUnreported += batch.dropped;
      enforceBounds();
    },
    get lines() {
      return items.length - head;
    },
    get bytes() {
      return bytes;
    },
    get droppedTotal() {
      return droppedTotal;
    },
    get droppedUnreported() {
      return droppedUnreported;
    },
  };
  return buffer;
}
