import { type LogLine, OutputStream } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";

/** One log line as the view keeps it: decoded once, keyed by instance and sequence. */
export interface LogEntry {
  key: string;
  instanceId: string;
  stderr: boolean;
  ts: number;
  seq: bigint;
  text: string;
}

/** The most lines a view holds; older ones are dropped first (the server still has them). */
export const defaultLogCap = 100_000;

const decoder = new TextDecoder();

/** Decodes a LogLine's bytes (lenient UTF-8) into an entry. */
export function toLogEntry(line: LogLine): LogEntry {
  return {
    key: `${line.instanceId}:${line.seq}`,
    instanceId: line.instanceId,
    stderr: line.stream === OutputStream.STDERR,
    ts: line.timestamp ? timestampMs(line.timestamp) : 0,
    seq: line.seq,
    text: decoder.decode(line.data),
  };
}

/**
 * Merges `incoming` into `target` in time order (ties keep arrival order), skipping lines already held, then drops
 * the oldest lines beyond `cap`. Mutates `target` for speed on 100,000-line buffers; returns how many were dropped.
 */
export function mergeLogLines(
  target: LogEntry[],
  incoming: readonly LogEntry[],
  seen: Set<string>,
  cap: number,
): number {
  for (const entry of incoming) {
    if (seen.has(entry.key)) continue;
    seen.add(entry.key);
    const last = target[target.length - 1];
    if (!last || entry.ts >= last.ts) {
      target.push(entry);
      continue;
    }
    // Late line from a slower instance: binary search for the first line newer than it.
    let lo = 0;
    let hi = target.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (target[mid]!.ts <= entry.ts) lo = mid + 1;
      else hi = mid;
    }
    target.splice(lo, 0, entry);
  }
  const over = target.length - cap;
  if (over > 0) {
    for (const gone of target.splice(0, over)) seen.delete(gone.key);
    return over;
  }
  return 0;
}

export interface LogFilter {
  query: string;
  regex: boolean;
  /** "all", "stdout" or "stderr". */
  stream: "all" | "stdout" | "stderr";
  /** Instances to hide (empty: show all). */
  hiddenInstances: ReadonlySet<string>;
}

export interface FilterResult {
  lines: LogEntry[];
  /** What to highlight in the shown lines; undefined without a query. */
  highlight?: RegExp;
  /** Set when the regex does not compile; the lines are then unfiltered by text. */
  error?: string;
}

// SGR colour codes (ESC [ … m), built from the char code to keep a control character out of a regex literal.
const ansiPattern = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Compiles the search box into a case-insensitive pattern: a regex, or the literal text. */
export function compileQuery(query: string, regex: boolean): { pattern?: RegExp; error?: string } {
  if (!query) return {};
  if (!regex) return { pattern: new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i") };
  try {
    return { pattern: new RegExp(query, "i") };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** The lines that pass the filter; text matches ignore ANSI colour codes. */
export function filterLogLines(lines: readonly LogEntry[], filter: LogFilter): FilterResult {
  const { pattern, error } = compileQuery(filter.query, filter.regex);
  // Nothing to filter: hand back the buffer itself, so following 100,000 lines costs no copy per update.
  if (!pattern && filter.stream === "all" && filter.hiddenInstances.size === 0) {
    return { lines: lines as LogEntry[], ...(error ? { error } : {}) };
  }
  const wantStderr = filter.stream === "stderr";
  const out = lines.filter((l) => {
    if (filter.stream !== "all" && l.stderr !== wantStderr) return false;
    if (filter.hiddenInstances.size > 0 && filter.hiddenInstances.has(l.instanceId)) return false;
    if (pattern) return pattern.test(l.text.includes("\u001b") ? l.text.replace(ansiPattern, "") : l.text);
    return true;
  });
  return { lines: out, ...(pattern ? { highlight: pattern } : {}), ...(error ? { error } : {}) };
}

const palette = ["#0ea5e9", "#a855f7", "#f59e0b", "#10b981", "#ef4444", "#ec4899", "#6366f1", "#84cc16"];

/** A stable colour per instance, by its position in the instance list. */
export function instanceColour(instanceIds: readonly string[], id: string): string {
  const index = instanceIds.indexOf(id);
  return palette[Math.max(0, index) % palette.length]!;
}

/** "12:03:04.567" in local time or UTC. */
export function formatLogTime(ms: number, utc: boolean): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return utc
    ? `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}Z`
    : `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** The loaded lines as a plain-text file body (ANSI codes stripped), one line each with time and instance. */
export function logsAsText(lines: readonly LogEntry[]): string {
  return lines
    .map(
      (l) =>
        `${new Date(l.ts).toISOString()} ${l.instanceId} ${l.stderr ? "stderr" : "stdout"} ${l.text.replace(ansiPattern, "")}`,
    )
    .join("\n");
}
