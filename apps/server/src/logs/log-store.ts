import { type InstanceLogState, openLogPersistence } from "./log-persistence.js";
import { createLogWindow, type LogWindow } from "./log-window.js";
import type { StoredLine } from "./stored-line.js";

export interface LogStoreOptions {
  /** Path of logs.db, or ":memory:". */
  path: string;
  /** In-memory window per instance (at least 10,000 lines). */
  maxLinesPerInstance?: number;
  maxBytesPerInstance?: number;
  /** Disk bound of logs.db's lines. */
  maxDiskBytes?: number;
  maxDiskLinesPerInstance?: number;
  /** Windows kept in memory at once; others are reloaded from disk when read. */
  maxWindowsInMemory?: number;
  /** Bytes of all in-memory windows together; the least recently used windows go first (disk keeps them). */
  maxMemoryBytes?: number;
}

/** A line as the entrypoint sends it. */
export interface IncomingLine {
  timeMs: number;
  stream: number;
  data: Uint8Array;
  /** The entrypoint's own seq: resent lines (at or below the last accepted) are dropped. */
  clientSeq: bigint;
}

/** Hears new lines; a line's `droppedBefore` tells of lines the entrypoint dropped just before it. */
export type LogListener = (lines: StoredLine[]) => void;

export interface LogTarget {
  deploymentId?: string;
  instanceId?: string;
}

/** Rolling windows of every instance's logs, persisted within a disk bound, with live listeners. */
export interface LogStore {
  /** Stores lines of an instance; returns how many were new. Listeners hear about them first. */
  append(deploymentId: string, instanceId: string, lines: IncomingLine[], dropped: number): number;
  /** The instance's window (loaded from disk after a restart), or undefined when it never logged. */
  window(instanceId: string): LogWindow | undefined;
  /**
   * Up to `limit` stored lines of an instance, oldest first: those after `afterSeq`, or else the newest. From
   * its window when that holds them all, from disk otherwise (disk keeps more than the window).
   */
  read(instanceId: string, range: { afterSeq?: number; limit: number; sinceMs?: number }): StoredLine[];
  /** Seqs of the oldest and newest line still stored for an instance (0 when none). */
  extent(instanceId: string): { firstSeq: number; lastSeq: number };
  /** Bytes held by in-memory windows. */
  readonly memoryBytes: number;
  deploymentOf(instanceId: string): string | undefined;
  instancesOf(deploymentId: string): string[];
  /** Calls the listener for every new line of the target, until the returned function is called. */
  subscribe(target: LogTarget, listener: LogListener): () => void;
  close(): void;
}

/** Opens the log store. */
export function createLogStore(options: LogStoreOptions): LogStore {
  const windowOptions = {
    maxLines: options.maxLinesPerInstance ?? 10_000,
    maxBytes: options.maxBytesPerInstance ?? 8 * 1024 * 1024,
  };
  const maxWindows = options.maxWindowsInMemory ?? 256;
  const maxMemoryBytes = options.maxMemoryBytes ?? 256 * 1024 * 1024;
  let memoryBytes = 0;
  const disk = openLogPersistence({
    path: options.path,
    maxBytes: options.maxDiskBytes ?? 512 * 1024 * 1024,
    maxLinesPerInstance: options.maxDiskLinesPerInstance ?? Math.max(20_000, windowOptions.maxLines),
  });
  const states = new Map<string, InstanceLogState>();
  // Insertion order doubles as LRU order: a read re-inserts.
  const windows = new Map<string, LogWindow>();
  const listeners = new Map<string, Set<LogListener>>();

  const stateOf = (instanceId: string) => {
    let state = states.get(instanceId);
    if (!state) {
      state = disk.instance(instanceId);
      if (state) states.set(instanceId, state);
    }
    return state;
  };

  const windowOf = (instanceId: string): LogWindow | undefined => {
    let w = windows.get(instanceId);
    if (w) {
      windows.delete(instanceId);
      windows.set(instanceId, w);
      return w;
    }
    if (!stateOf(instanceId)) return undefined;
    w = createLogWindow(windowOptions, disk.load(instanceId, windowOptions.maxLines));
    windows.set(instanceId, w);
    memoryBytes += w.bytes;
    evict(instanceId);
    return w;
  };

  // Memory stays bounded however many instances log: least recently used windows leave memory first.
  const evict = (keep: string) => {
    for (const [id, w] of windows) {
      if (windows.size <= maxWindows && memoryBytes <= maxMemoryBytes) break;
      if (id === keep) continue;
      windows.delete(id);
      memoryBytes -= w.bytes;
    }
  };

  const notify = (key: string, lines: StoredLine[]) => {
    for (const l of listeners.get(key) ?? []) l(lines);
  };

  const extent = (instanceId: string) => {
    const w = windowOf(instanceId);
    const onDisk = disk.firstSeq(instanceId);
    // The window may still hold lines the disk bound already trimmed.
    const inMemory = w && w.size > 0 ? w.oldestSeq : 0;
    const firstSeq = onDisk && inMemory ? Math.min(onDisk, inMemory) : onDisk || inMemory;
    return { firstSeq, lastSeq: stateOf(instanceId)?.lastSeq ?? 0, window: w };
  };

  return {
    append(deploymentId, instanceId, incoming, dropped) {
      const prev = stateOf(instanceId);
      const state: InstanceLogState = prev
        ? { ...prev }
        : { instanceId, deploymentId, lastSeq: 0, lastClientSeq: -1n, dropped: 0, droppedPending: 0 };
      const window = windowOf(instanceId) ?? createLogWindow(windowOptions);
      if (!windows.has(instanceId)) windows.set(instanceId, window);
      const bytesBefore = window.bytes;
      const lines: StoredLine[] = [];
      // A resent batch (its ack was lost) carries the drop count that was recorded with it the first time.
      const resent = incoming.length > 0 && incoming[0]!.clientSeq <= state.lastClientSeq;
      const newlyDropped = resent ? 0 : dropped;
      state.dropped += newlyDropped;
      state.droppedPending += newlyDropped;
      for (const l of incoming) {
        if (l.clientSeq <= state.lastClientSeq) continue;
        state.lastClientSeq = l.clientSeq;
        const line: StoredLine = {
          instanceId,
          seq: ++state.lastSeq,
          timeMs: l.timeMs,
          stream: l.stream,
          data: l.data,
        };
        // The entrypoint drops its oldest unsent lines, so they belong just before the first line of this batch.
        if (state.droppedPending > 0) {
          line.droppedBefore = state.droppedPending;
          state.droppedPending = 0;
        }
        lines.push(line);
        window.append(line);
      }
      states.set(instanceId, state);
      memoryBytes += window.bytes - bytesBefore;
      evict(instanceId);
      if (lines.length > 0) {
        notify(`i:${instanceId}`, lines);
        notify(`d:${state.deploymentId}`, lines);
      }
      disk.write(state, lines);
      return lines.length;
    },
    window: windowOf,
    read(instanceId, { afterSeq, limit, sinceMs }) {
      const { firstSeq, window: w } = extent(instanceId);
      if (!w || limit <= 0) return [];
      // The window suffices when it holds everything stored, or reaches back before the time asked for.
      const windowHasAll =
        w.size > 0 && (w.oldestSeq <= firstSeq || (sinceMs !== undefined && (w.oldestTimeMs ?? 0) < sinceMs));
      if (afterSeq !== undefined) {
        if (windowHasAll || (w.size > 0 && w.oldestSeq <= afterSeq + 1))
          return w.after(afterSeq).slice(0, limit);
        return disk.loadAfter(instanceId, afterSeq, limit);
      }
      if (windowHasAll || w.size >= limit) return w.tail(limit);
      return disk.load(instanceId, limit);
    },
    extent(instanceId) {
      const { firstSeq, lastSeq } = extent(instanceId);
      return { firstSeq, lastSeq };
    },
    get memoryBytes() {
      return memoryBytes;
    },
    deploymentOf: (instanceId) => stateOf(instanceId)?.deploymentId,
    instancesOf(deploymentId) {
      const ids = new Set(disk.instancesOf(deploymentId));
      for (const s of states.values()) if (s.deploymentId === deploymentId) ids.add(s.instanceId);
      return [...ids].sort();
    },
    subscribe(target, listener) {
      const key = target.instanceId ? `i:${target.instanceId}` : `d:${target.deploymentId ?? ""}`;
      let set = listeners.get(key);
      if (!set) {
        set = new Set();
        listeners.set(key, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(key);
      };
    },
    close: () => disk.close(),
  };
}
