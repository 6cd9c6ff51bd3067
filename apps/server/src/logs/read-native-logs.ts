import { abortable, createPushQueue } from "@berth/streams";
import { Code, ConnectError } from "@connectrpc/connect";
import type { NativeLogLine, NativeLogOptions } from "../platforms/platform.js";
import { encodeLogCursor, type LogCursor } from "./log-cursor.js";
import { mergeLines } from "./merge-lines.js";
import { createOverlapSkipper } from "./overlap-skipper.js";
import type { ReadLogsChunk } from "./read-logs.js";
import type { StoredLine } from "./stored-line.js";

/** An instance's log as its platform keeps it (Platform.nativeLogs). */
export type NativeLogSource = (instanceId: string, options: NativeLogOptions) => AsyncIterable<NativeLogLine>;

export interface ReadNativeLogsRequest {
  instanceIds: string[];
  tailLines: number;
  sinceMs?: number;
  untilMs?: number;
  follow: boolean;
  /** Resume: only lines after its time (a platform's log has no positions). */
  cursor?: LogCursor;
}

const defaultTail = 500;
const maxBackfill = 100_000;
const maxChunkLines = 1000;
const encoder = new TextEncoder();
const keyOf = (l: NativeLogLine) => `${l.atMs}\0${l.stream}\0${l.text}`;

/**
 * GetLogStream's body when the instances' entrypoints are not connected: their platform's own log, in the shape
 * of readLogs. The backfill of every instance is read and merged by time, then each is followed (its repeated
 * tail skipped). A platform line has no server seq: it gets `ms * 1000 + n`, unique per instance and apart from
 * the small seqs of stored lines; the cursor names only a time, so a resume through either path works.
 */
export async function* readNativeLogs(
  source: NativeLogSource,
  request: ReadNativeLogsRequest,
  signal: AbortSignal,
): AsyncGenerator<ReadLogsChunk> {
  const { sinceMs, untilMs, cursor } = request;
  const tail = Math.min(
    maxBackfill,
    cursor ? maxBackfill : request.tailLines || (sinceMs !== undefined ? maxBackfill : defaultTail),
  );
  const wanted = (l: NativeLogLine) =>
    (sinceMs === undefined || l.atMs >= sinceMs) &&
    (untilMs === undefined || l.atMs <= untilMs) &&
    (cursor === undefined || l.atMs > cursor.timeMs);
  let lastMs = cursor?.timeMs ?? 0;
  const chunk = (lines: StoredLine[], backfillDone: boolean): ReadLogsChunk => {
    for (const l of lines) lastMs = Math.max(lastMs, l.timeMs);
    const text = encodeLogCursor({ timeMs: lastMs, seqs: new Map() });
    return { lines, skipped: 0, dropped: 0, cursor: text, backfillDone };
  };

  const seqs = request.instanceIds.map((id) => createSeq(id));
  const read = await Promise.all(
    request.instanceIds.map(async (id) => {
      const lines: NativeLogLine[] = [];
      try {
        for await (const l of source(id, { tailLines: tail, follow: false, signal })) lines.push(l);
      } catch (err) {
        if (signal.aborted) throw err;
        throw new ConnectError(
          `reading the platform's log of instance ${id} failed: ${(err as Error).message}`,
          Code.Unavailable,
          undefined,
          undefined,
          err,
        );
      }
      return lines;
    }),
  );
  const backfill = mergeLines(read.map((lines, i) => lines.filter(wanted).map((l) => seqs[i]!(l)))).slice(
    -tail,
  );
  if (backfill.length === 0) yield chunk([], true);
  for (let i = 0; i < backfill.length; i += maxChunkLines)
    yield chunk(backfill.slice(i, i + maxChunkLines), i + maxChunkLines >= backfill.length);
  if (!request.follow || untilMs !== undefined) return;

  // Each instance's follow feeds one queue; the stream ends when all have ended (their containers stopped).
  const queue = createPushQueue<StoredLine[]>();
  let open = request.instanceIds.length;
  request.instanceIds.forEach((id, i) => {
    const skip = createOverlapSkipper(read[i]!.map(keyOf));
    void (async () => {
      for await (const l of source(id, { tailLines: tail, follow: true, signal }))
        if (!skip(keyOf(l)) && wanted(l))
          // Lines that arrive while the reader is busy go out together.
          queue.pushOrMerge([seqs[i]!(l)], (last, item) => {
            if (last.length >= maxChunkLines) return undefined;
            last.push(...item);
            return last;
          });
    })()
      .catch(() => {
        // A follow that failed (the container was removed) ends like one whose container stopped.
      })
      .finally(() => {
        if (--open === 0) queue.end();
      });
  });
  try {
    for await (const lines of abortable(queue, signal)) yield chunk(lines, false);
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

/** Converts an instance's platform lines to stored lines with its own time-based seqs. */
function createSeq(instanceId: string): (l: NativeLogLine) => StoredLine {
  let lastMs = -1;
  let n = 0;
  return (l) => {
    n = l.atMs === lastMs ? n + 1 : 0;
    lastMs = l.atMs;
    return {
      instanceId,
      seq: l.atMs * 1000 + Math.min(n, 999),
      timeMs: l.atMs,
      stream: l.stream === "stderr" ? 2 : 1,
      data: encoder.encode(l.text),
    };
  };
}
