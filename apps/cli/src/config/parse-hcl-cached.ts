import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cliCacheDir } from "../cache/cli-cache-dir.js";
import { pruneCacheDir } from "../cache/prune-cache-dir.js";

/** Turns HCL text into its JSON form; throws hcl2json's `file:line,col: ...` diagnostics for invalid text. */
export type HclParser = (fileName: string, source: string) => Promise<unknown>;

/**
 * The parser whose output is cached, with its version: a new hcl2json may return a different JSON shape,
 * so its version is part of every cache key. parse-hcl-cached.test.ts checks it against the installed package.
 */
export const hclParserVersion = "@cdktf/hcl2json@0.21.0";

/** Bumped when the entry layout changes; older entries then miss and are replaced. */
const entryFormat = 1;

/**
 * Entries kept (a few KB each): one per berth.hcl version parsed recently, across every project on this machine.
 * Hits refresh an entry's mtime, so the berth.hcl files in use stay while edits long gone are dropped.
 */
export const hclCacheMaxEntries = 200;

/** hcl2json through a dynamic import: loading the module starts a Go-WASM runtime, so only a cache miss pays it. */
export const hcl2jsonParser: HclParser = async (fileName, source) =>
  (await import("@cdktf/hcl2json")).parse(fileName, source);

/** Where and how parseHclCached parses; tests inject both. */
export interface HclCacheOptions {
  /** The CLI cache dir (entries go to `<dir>/hcl/`); default BERTH_CACHE_DIR or the XDG cache dir. */
  cacheDir?: string;
  parse?: HclParser;
  /** Entries kept after a miss adds one (default hclCacheMaxEntries). */
  maxEntries?: number;
}

interface CacheEntry {
  format: number;
  key: string;
  json: unknown;
}

/** sha256 over everything the parser's output depends on: its version, the file name (in diagnostics) and the text. */
export function hclCacheKey(fileName: string, source: string): string {
  return createHash("sha256")
    .update(`${hclParserVersion}\0${entryFormat}\0${fileName}\0`)
    .update(source)
    .digest("hex");
}

/** A cache entry's JSON, or undefined when the entry is missing, unreadable, truncated, stale or for another key. */
async function readEntry(path: string, key: string): Promise<unknown> {
  try {
    const entry = JSON.parse(await readFile(path, "utf8")) as Partial<CacheEntry> | null;
    if (entry?.format !== entryFormat || entry.key !== key) return undefined;
    return typeof entry.json === "object" && entry.json !== null ? entry.json : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the entry through a temp file and a rename, so a reader never sees half of it. Best effort. */
async function writeEntry(dir: string, path: string, entry: CacheEntry): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
    await rename(tmp, path);
    // Stamped from the same clock as a hit's refresh: the kernel's write time is coarser (it can lag Date.now() by a
    // tick), so an entry written just after a hit could look older than it and be the one pruned.
    const now = new Date();
    await utimes(path, now, now);
  } catch {
    // A read-only or full cache dir only costs the next run a parse.
    await rm(tmp, { force: true }).catch(() => {});
  }
}

/**
 * Parses HCL text to JSON, reusing the result of an earlier parse of the same text (by content hash) from the
 * CLI cache dir so an unchanged berth.hcl never starts the parser. Only successful parses are cached: invalid
 * text is parsed (and its error thrown) every time.
 */
export async function parseHclCached(
  fileName: string,
  source: string,
  options: HclCacheOptions = {},
): Promise<unknown> {
  const dir = join(options.cacheDir ?? cliCacheDir(), "hcl");
  const key = hclCacheKey(fileName, source);
  const path = join(dir, `${key}.json`);
  const cached = await readEntry(path, key);
  if (cached !== undefined) {
    // Recently used, for pruning. Best effort: a read-only cache still serves hits.
    const now = new Date();
    await utimes(path, now, now).catch(() => {});
    return cached;
  }
  const json = await (options.parse ?? hcl2jsonParser)(fileName, source);
  await writeEntry(dir, path, { format: entryFormat, key, json });
  // Only a miss grows the cache, so only a miss (which just paid for a parse) prunes it.
  await pruneCacheDir(dir, { keep: options.maxEntries ?? hclCacheMaxEntries, suffix: ".json" });
  return json;
}
