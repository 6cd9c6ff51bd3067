import { lineOverheadBytes, type StoredLine } from "./stored-line.js";

export interface LogWindowOptions {
  maxLines: number;
  maxBytes: number;
}

/** The most recent lines of one instance, bounded by count and bytes (oldest fall out first). */
export interface LogWindow {
  append(line: StoredLine): void;
  /** Lines in seq order (a copy-free view is not offered: callers filter anyway). */
  lines(): StoredLine[];
  /** Lines with seq greater than `seq`. */
  after(seq: number): StoredLine[];
  /** The last `n` lines. */
  tail(n: number): StoredLine[];
  readonly size: number;
  readonly bytes: number;
  /** Seq of the oldest line held (0 when empty). */
  readonly oldestSeq: number;
  /** Seq of the newest line held (0 when empty). */
  readonly lastSeq: number;
  /** Time of the oldest line held (undefined when empty). */
  readonly oldestTimeMs: number | undefined;
}

/** Creates an empty window; `initial` (oldest first) seeds it, e.g. from disk after a restart. */
export function createLogWindow(options: LogWindowOptions, initial: StoredLine[] = []): LogWindow {
  let items: StoredLine[] = [];
  let head = 0;
  let bytes = 0;

  const append = (line: StoredLine) => {
    items.push(line);
    bytes += line.data.byteLength + lineOverheadBytes;
    while (items.length - head > options.maxLines || (bytes > options.maxBytes && items.length - head > 1)) {
      const old = items[head]!;
      bytes -= old.data.byteLength + lineOverheadBytes;
      items[head] = undefined as unknown as StoredLine;
      head++;
    }
    if (head > 4096 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
  };
  for (const line of initial) append(line);

  // Lines are in seq order, so the first line after a seq is found by binary search.
  const indexAfter = (seq: number) => {
    let lo = head;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    append,
    lines: () => items.slice(head),
    after: (seq) => items.slice(indexAfter(seq)),
    tail: (n) => (n <= 0 ? [] : items.slice(Math.max(head, items.length - n))),
    get size() {
      return items.length - head;
    },
    get bytes() {
      return bytes;
    },
    get oldestSeq() {
      return items[head]?.seq ?? 0;
    },
    get lastSeq() {
      return items.at(-1)?.seq ?? 0;
    },
    get oldestTimeMs() {
      return items[head]?.timeMs;
    },
  };
}
