import { encodeLogCursor, type LogCursor } from "./log-cursor.js";
import type { LogStore } from "./log-store.js";
import { mergeLines } from "./merge-lines.js";
import { lineOverheadBytes, type StoredLine } from "./stored-line.js";

export interface ReadLogsRequest {
  /** One of deploymentId (all its instances, merged) or instanceId. */
  deploymentId: string;
  instanceId: string;
  /** Lines of backfill (0: 500, or everything since `sinceMs` when that is set). */
  tailLines: number;
  sinceMs?: number;
  untilMs?: number;
  follow: boolean;
  /** Resume after this position: backfill is then everything after it. */
  cursor?: LogCursor;
}

export interface ReadLogsChunk {
  lines: StoredLine[];
  /** Stored lines this reader cannot have, just before `lines` (it was too slow, or they were trimmed). */
  skipped: number;
  /** Lines the entrypoint dropped just before `lines` (they never reached the server). */
  dropped: number;
  cursor: string;
  backfillDone: boolean;
}

export interface ReadLogsOptions {
  /** Bound of a follower's queue; beyond it the oldest queued lines are skipped (and counted). */
  maxQueuedLines?: number;
  maxQueuedBytes?: number;
  maxChunkLines?: number;
  maxChunkBytes?: number;
}

const defaultTail = 500;
const maxBackfill = 100_000;

/**
 * Backfill then (optionally) follow: the body of GetLogStream. Ends when `signal` aborts; frees its queue.
 * The backfill is merged by time; live lines go out as they arrive (each instance's in its own order), never held
 * back to wait for another instance's batch.
 */
export async function* readLogs(
  store: LogStore,
  request: ReadLogsRequest,
  signal: AbortSignal,
  options: ReadLogsOptions = {},
): AsyncGenerator<ReadLogsChunk> {
  const maxQueuedLines = options.maxQueuedLines ?? 10_000;
  const maxQueuedBytes = options.maxQueuedBytes ?? 4 * 1024 * 1024;
  const maxChunkLines = options.maxChunkLines ?? 1000;
  const maxChunkBytes = options.maxChunkBytes ?? 1024 * 1024;
  const { cursor, sinceMs, untilMs } = request;
  const pos = new Map(cursor?.seqs ?? []);
  let lastTimeMs = cursor?.timeMs ?? Date.now();
  let skipped = 0;
  let dropped = 0;

  let queue: StoredLine[] = [];
  let head = 0;
  let queuedBytes = 0;
  let wake: (() => void) | undefined;
  const inRange = (l: StoredLine) =>
    (sinceMs === undefined || l.timeMs >= sinceMs) && (untilMs === undefined || l.timeMs <= untilMs);
  // Subscribe before reading the backfill, so no line falls between the two (duplicates are filtered by seq).
  const unsubscribe = request.follow
    ? store.subscribe(
        request.instanceId ? { instanceId: request.instanceId } : { deploymentId: request.deploymentId },
        (lines) => {
          for (const l of lines) {
            if (!inRange(l)) continue;
            queue.push(l);
            queuedBytes += l.data.byteLength + lineOverheadBytes;
          }
          while (queue.length - head > maxQueuedLines || queuedBytes > maxQueuedBytes) {
            const old = queue[head]!;
            queuedBytes -= old.data.byteLength + lineOverheadBytes;
            head++;
            skipped++;
            dropped += old.droppedBefore ?? 0;
          }
          if (head > 4096 && head * 2 > queue.length) {
            queue = queue.slice(head);
            head = 0;
          }
          wake?.();
        },
      )
    : undefined;
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort);

  let sentAny = cursor !== undefined;
  // Per instance, the last seq the backfill covered (sent, or left out of the tail on purpose).
  const covered = new Map<string, number>();
  let complete = false;
  const chunk = (lines: StoredLine[], backfillDone: boolean): ReadLogsChunk => {
    dropped += lines[0]?.droppedBefore ?? 0;
    for (const l of lines) {
      pos.set(l.instanceId, l.seq);
      if (complete) continue;
      // Without a cursor the start time is a placeholder (request time) until a line is sent.
      lastTimeMs = sentAny ? Math.max(lastTimeMs, l.timeMs) : l.timeMs;
      sentAny = true;
    }
    // The cursor's time bounds a resume for the instances it does not name: right while the backfill goes out in
    // time order. Once it is done the cursor names every instance that had lines, so any other one is new since
    // and is read in full (time 0) — live lines arrive out of time order across instances, and an instance's
    // first line may be older than one already sent.
    if (backfillDone && untilMs === undefined) {
      for (const [id, seq] of covered) if (seq > (pos.get(id) ?? 0)) pos.set(id, seq);
      complete = true;
      lastTimeMs = 0;
    }
    const cursorText = encodeLogCursor({ timeMs: lastTimeMs, seqs: pos });
    const out = { lines, skipped, dropped, cursor: cursorText, backfillDone };
    skipped = 0;
    dropped = 0;
    return out;
  };

  try {
    const instances = request.instanceId ? [request.instanceId] : store.instancesOf(request.deploymentId);
    const tail = Math.min(
      maxBackfill,
      request.tailLines || (sinceMs !== undefined ? maxBackfill : defaultTail),
    );
    const limit = cursor ? maxBackfill : tail;
    let lastSeqs = 0;
    const lists = instances.map((id) => {
      const { firstSeq, lastSeq } = store.extent(id);
      lastSeqs += lastSeq;
      // Lines after `until` are not covered: a resume without it must still get them.
      if (untilMs === undefined && lastSeq > 0) covered.set(id, lastSeq);
      const at = pos.get(id);
      let lines: StoredLine[];
      if (at !== undefined) {
        // A gap between the cursor and the oldest line still stored is announced, never silent; so is a
        // backlog longer than the limit (the newest lines are sent).
        const from = firstSeq > 0 ? Math.max(at, firstSeq - 1) : lastSeq;
        const start = Math.max(from, lastSeq - limit);
        if (lastSeq > at) skipped += start - at;
        lines = store.read(id, { afterSeq: start, limit });
      } else if (cursor) {
        lines = store.read(id, { limit: maxBackfill }).filter((l) => l.timeMs >= cursor.timeMs);
      } else if (sinceMs !== undefined) lines = store.read(id, { limit: maxBackfill, sinceMs });
      else lines = store.read(id, { limit });
      return lines.filter(inRange);
    });
    let backfill = mergeLines(lists);
    if (backfill.length > limit) {
      if (cursor) skipped += backfill.length - limit;
      backfill = backfill.slice(-limit);
    } else if (!cursor && sinceMs === undefined && untilMs === undefined) {
      // Lines ever logged are dense seqs from 1: whatever of the tail asked for is no longer stored is counted.
      skipped += Math.max(0, Math.min(limit, lastSeqs) - backfill.length);
    }
    if (backfill.length === 0) yield chunk([], true);
    for (let i = 0; i < backfill.length; ) {
      const part = takeChunk(backfill, i, maxChunkLines, maxChunkBytes);
      i += part.length;
      yield chunk(part, i >= backfill.length);
    }
    if (!request.follow || untilMs !== undefined) return;

    while (!signal.aborted) {
      if (queue.length === head && skipped === 0 && dropped === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      const fresh: StoredLine[] = [];
      let bytes = 0;
      while (head < queue.length && fresh.length < maxChunkLines && bytes < maxChunkBytes) {
        const l = queue[head]!;
        queue[head] = undefined as unknown as StoredLine;
        head++;
        queuedBytes -= l.data.byteLength + lineOverheadBytes;
        if (l.seq <= (pos.get(l.instanceId) ?? 0)) continue;
        fresh.push(l);
        bytes += l.data.byteLength;
      }
      if (head === queue.length) {
        queue = [];
        head = 0;
      }
      if (fresh.length === 0 && skipped === 0 && dropped === 0) continue;
      // Arrival order: each batch is one instance's lines in seq order, so each instance's order holds.
      if (fresh.length === 0) yield chunk(fresh, false);
      for (let i = 0; i < fresh.length; ) {
        const part = takeChunk(fresh, i, fresh.length, Number.POSITIVE_INFINITY);
        i += part.length;
        yield chunk(part, false);
      }
    }
  } finally {
    unsubscribe?.();
    signal.removeEventListener("abort", onAbort);
    queue = [];
  }
}

/** The next chunk of `lines` from `from`: within the limits, and ending before a line that marks a drop. */
function takeChunk(lines: StoredLine[], from: number, maxLines: number, maxBytes: number): StoredLine[] {
  let bytes = 0;
  let to = from;
  while (to < lines.length && to - from < maxLines) {
    const line = lines[to]!;
    bytes += line.data.byteLength;
    // A drop is announced on the message it precedes (the chunk's `dropped`), so a marked line starts one.
    if (to > from && (bytes > maxBytes || (line.droppedBefore ?? 0) > 0)) break;
    to++;
  }
  return lines.slice(from, to);
}
