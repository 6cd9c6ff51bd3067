import { describe, expect, it } from "vitest";
import type { NativeLogLine, NativeLogOptions } from "../platforms/platform.js";
import { decodeLogCursor } from "./log-cursor.js";
import { readNativeLogs } from "./read-native-logs.js";

/**
 * A platform log in memory, as Docker's logs API behaves: a read returns the newest `tailLines`; a follow
 * returns them, then each line appended later, until its signal aborts or the log is closed.
 */
function memoryLog() {
  const logs = new Map<string, NativeLogLine[]>();
  const waiters = new Set<() => void>();
  let closed = false;
  return {
    append(id: string, line: NativeLogLine) {
      logs.set(id, [...(logs.get(id) ?? []), line]);
      for (const w of waiters) w();
    },
    close() {
      closed = true;
      for (const w of waiters) w();
    },
    async *source(id: string, o: NativeLogOptions): AsyncGenerator<NativeLogLine> {
      const all = logs.get(id) ?? [];
      let at = Math.max(0, all.length - o.tailLines);
      for (;;) {
        const now = logs.get(id) ?? [];
        while (at < now.length) yield now[at++]!;
        if (!o.follow || closed || o.signal.aborted) return;
        await new Promise<void>((r) => {
          waiters.add(r);
          o.signal.addEventListener("abort", () => r(), { once: true });
        });
      }
    },
  };
}

const line = (atMs: number, text: string, stream: "stdout" | "stderr" = "stdout") => ({ atMs, stream, text });
const texts = (lines: { data: Uint8Array }[]) => lines.map((l) => Buffer.from(l.data).toString());

describe("readNativeLogs", () => {
  it("merges the instances' tails by time and marks the end of the backfill", async () => {
    const log = memoryLog();
    log.append("a", line(1, "a1"));
    log.append("b", line(2, "b2", "stderr"));
    log.append("a", line(3, "a3"));
    const chunks = [];
    for await (const c of readNativeLogs(
      log.source,
      { instanceIds: ["a", "b"], tailLines: 2, follow: false },
      new AbortController().signal,
    ))
      chunks.push(c);
    expect(chunks).toHaveLength(1);
    expect(texts(chunks[0]!.lines)).toEqual(["b2", "a3"]);
    expect(chunks[0]!.lines.map((l) => [l.instanceId, l.stream])).toEqual([
      ["b", 2],
      ["a", 1],
    ]);
    expect(chunks[0]!.backfillDone).toBe(true);
    expect(decodeLogCursor(chunks[0]!.cursor).timeMs).toBe(3);
  });

  it("follows new lines without repeating the backfill, and resumes after a cursor's time", async () => {
    const log = memoryLog();
    log.append("a", line(1, "old"));
    log.append("a", line(2, "tail"));
    const ac = new AbortController();
    const got: string[] = [];
    let cursor = "";
    for await (const c of readNativeLogs(
      log.source,
      { instanceIds: ["a"], tailLines: 1, follow: true },
      ac.signal,
    )) {
      got.push(...texts(c.lines));
      cursor = c.cursor;
      if (c.backfillDone && !c.lines.some((l) => Buffer.from(l.data).toString() === "new"))
        log.append("a", line(5, "new"));
      if (got.includes("new")) ac.abort();
    }
    expect(got).toEqual(["tail", "new"]);
    const resumed = [];
    for await (const c of readNativeLogs(
      log.source,
      { instanceIds: ["a"], tailLines: 0, follow: false, cursor: decodeLogCursor(cursor) },
      new AbortController().signal,
    ))
      resumed.push(...c.lines);
    expect(resumed).toEqual([]);
  });

  it("gives lines of the same millisecond distinct seqs", async () => {
    const log = memoryLog();
    log.append("a", line(7, "x"));
    log.append("a", line(7, "y"));
    const lines = [];
    for await (const c of readNativeLogs(
      log.source,
      { instanceIds: ["a"], tailLines: 10, follow: false },
      new AbortController().signal,
    ))
      lines.push(...c.lines);
    expect(lines.map((l) => l.seq)).toEqual([7000, 7001]);
  });

  it("ends a follow once every instance's log has ended", async () => {
    const log = memoryLog();
    log.append("a", line(1, "only"));
    const chunks = readNativeLogs(
      log.source,
      { instanceIds: ["a"], tailLines: 5, follow: true },
      new AbortController().signal,
    );
    const first = await chunks.next();
    expect(first.value?.backfillDone).toBe(true);
    log.close();
    expect((await chunks.next()).done).toBe(true);
  });
});
