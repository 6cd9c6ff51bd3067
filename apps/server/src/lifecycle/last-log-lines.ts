import { open } from "node:fs/promises";
import { entrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import type { LogStore } from "../logs/log-store.js";
import type { InstanceView, Platform } from "../platforms/platform.js";
import type { ServerContext } from "../server-context.js";

/** Bytes read from the end of a log file: plenty for a few lines, bounded for a huge file. */
const fileTailBytes = 64 * 1024;

async function fileTail(path: string, count: number): Promise<string[]> {
  const file = await open(path, "r").catch(() => undefined);
  if (!file) return [];
  try {
    const { size } = await file.stat();
    const length = Math.min(size, fileTailBytes);
    const { buffer } = await file.read(Buffer.alloc(length), 0, length, size - length);
    const lines = buffer.toString("utf8").split("\n");
    if (length < size) lines.shift(); // cut mid-line
    return lines.filter((l) => l.trim() !== "").slice(-count);
  } finally {
    await file.close();
  }
}

async function nativeTail(platform: Platform, instanceId: string, count: number): Promise<string[]> {
  if (!platform.nativeLogs) return [];
  // The engine is asked for what it kept; an engine that does not answer promptly must not hold up the deploy.
  const signal = AbortSignal.timeout(5_000);
  const out: string[] = [];
  try {
    for await (const line of platform.nativeLogs(instanceId, { tailLines: count, follow: false, signal }))
      out.push(line.text);
  } catch {
    // No native log (a removed container, an engine gone): the other sources speak.
  }
  return out.slice(-count);
}

/**
 * Resolves once the store has lines of the instance, or after `ms`. An entrypoint that was slow to connect sends
 * a dead app's lines a moment after its exit, and the restart that follows sends them again.
 */
function linesArrive(store: LogStore, instanceId: string, ms: number): Promise<void> {
  if (store.extent(instanceId).lastSeq > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const off = store.subscribe({ instanceId }, done);
  });
}

/**
 * The newest lines an instance printed, for a failure message: what its entrypoint sent the server, else what
 * its engine kept (Docker logs, pod log), else what its entrypoint sends within a few seconds, else the tail of its
 * log file (a process run without an entrypoint).
 */
export async function lastLogLines(
  ctx: ServerContext,
  platform: Platform,
  view: InstanceView,
  count = 10,
): Promise<string[]> {
  const { logs } = entrypointRuntime(ctx);
  const decoder = new TextDecoder();
  const stored = () => logs.read(view.id, { limit: count }).map((l) => decoder.decode(l.data));
  const sent = stored();
  if (sent.length > 0) return sent;
  const native = await nativeTail(platform, view.id, count);
  if (native.length > 0) return native;
  await linesArrive(logs, view.id, 5_000);
  const late = stored();
  if (late.length > 0) return late;
  return view.logFile ? fileTail(view.logFile, count) : [];
}
