import type { NativeLogLine } from "../platform.js";

/**
 * One line of `GET /containers/:id/logs?timestamps=1`: an RFC 3339 time with nanoseconds, a space, the text.
 * A line without a readable time (it should not happen) keeps its text and gets `fallbackMs`.
 */
export function parseLogLine(
  stream: NativeLogLine["stream"],
  line: string,
  fallbackMs: number,
): NativeLogLine {
  const space = line.indexOf(" ");
  const atMs = space > 0 ? Date.parse(line.slice(0, space)) : Number.NaN;
  if (Number.isNaN(atMs)) return { atMs: fallbackMs, stream, text: line };
  return { atMs, stream, text: line.slice(space + 1) };
}

/**
 * Lines of a container's log, from the frames of its stream. A frame may hold several lines or part of one,
 * per stream: each stream keeps its unfinished line until its newline arrives (or `flush` at the end).
 */
export function createLogLineSplitter(now: () => number = Date.now) {
  const partial = { stdout: "", stderr: "" };
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  return {
    push(stream: NativeLogLine["stream"], data: Uint8Array): NativeLogLine[] {
      const text = partial[stream] + decoders[stream].decode(data, { stream: true });
      const parts = text.split("\n");
      partial[stream] = parts.pop() ?? "";
      return parts.map((l) => parseLogLine(stream, l.endsWith("\r") ? l.slice(0, -1) : l, now()));
    },
    /** The unfinished lines, as lines (the stream ended). */
    flush(): NativeLogLine[] {
      const out: NativeLogLine[] = [];
      for (const stream of ["stdout", "stderr"] as const) {
        const rest = partial[stream] + decoders[stream].decode();
        partial[stream] = "";
        if (rest) out.push(parseLogLine(stream, rest, now()));
      }
      return out;
    },
  };
}
