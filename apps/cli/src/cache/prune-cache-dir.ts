import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** One file of a cache directory, as pruning sees it. */
export interface CacheFile {
  name: string;
  mtimeMs: number;
}

/** How much of a cache directory survives pruning. */
export interface PruneOptions {
  /** Entries (files ending in `suffix`) kept, newest first by mtime: readers refresh the mtime of a hit. */
  keep: number;
  /** What an entry's name ends with (e.g. `.json`); other files are left alone unless they are stale temp files. */
  suffix: string;
  /** Temp files (`.tmp`) older than this are a crashed writer's leftovers (default 10 minutes). */
  tmpMaxAgeMs?: number;
  now?: number;
}

/** The files to delete: all but the `keep` newest entries, and temp files nobody is still writing. Pure. */
export function filesToPrune(files: readonly CacheFile[], options: PruneOptions): string[] {
  const now = options.now ?? Date.now();
  const tmpMaxAgeMs = options.tmpMaxAgeMs ?? 10 * 60_000;
  const entries = files
    .filter((f) => f.name.endsWith(options.suffix))
    .sort((a, b) => b.mtimeMs - a.mtimeMs || a.name.localeCompare(b.name));
  const leftovers = files.filter((f) => f.name.endsWith(".tmp") && now - f.mtimeMs > tmpMaxAgeMs);
  return [...entries.slice(Math.max(0, options.keep)), ...leftovers].map((f) => f.name);
}

/**
 * Bounds a cache directory (see filesToPrune). Best effort: a file that vanished meanwhile (another CLI pruning at
 * the same time) or cannot be removed is skipped; a cache that cannot be pruned is still a working cache.
 */
export async function pruneCacheDir(dir: string, options: PruneOptions): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const files: CacheFile[] = [];
  for (const name of names) {
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st?.isFile()) files.push({ name, mtimeMs: st.mtimeMs });
  }
  for (const name of filesToPrune(files, options)) {
    await rm(join(dir, name), { force: true }).catch(() => {});
  }
}
