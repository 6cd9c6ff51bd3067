import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { ConfigError } from "./config-error.js";
import type { BerthConfig } from "./config-types.js";
import type { GitRefs } from "./git-functions.js";
import { type HclCacheOptions, parseHclCached } from "./parse-hcl-cached.js";
import { positionAt } from "./source-locator.js";
import { validateConfig } from "./validate-config.js";

/** File names looked for, in order. */
export const configFileNames = ["berth.hcl", "berth.json"] as const;

/** Rewrites hcl2json's `file:3,9-10: Summary; detail` diagnostics into `file:3:9: Summary; detail` lines. */
export function formatHclDiagnostics(message: string): string[] {
  const body = message.replace(/^parse config: \[/, "").replace(/\]$/, "");
  const re = /([^\s[\],]+):(\d+),(\d+)(?:-\d+(?:,\d+)?)?: /g;
  const starts = [...body.matchAll(re)];
  if (starts.length === 0) return [body];
  return starts.map((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.index : body.length;
    const text = body
      .slice(m.index + m[0].length, end)
      .replace(/,\s*$/, "")
      .trim();
    return `${m[1]}:${m[2]}:${m[3]}: ${text}`;
  });
}

/**
 * Parses berth.hcl (or berth.json) text into a validated config. Throws ConfigError naming file:line:col.
 * The HCL step is cached by content hash (see parseHclCached); validation runs every time.
 */
export async function parseBerthConfig(
  file: string,
  source: string,
  refs: GitRefs,
  hclCache?: HclCacheOptions,
): Promise<BerthConfig> {
  const name = basename(file);
  let raw: unknown;
  if (name.endsWith(".json")) {
    try {
      raw = JSON.parse(source);
    } catch (err) {
      const offset = /position (\d+)/.exec(String(err))?.[1];
      const at = positionAt(source, offset ? Number(offset) : 0);
      throw new ConfigError(name, [`${name}:${at.line}:${at.col}: invalid JSON: ${(err as Error).message}`], {
        cause: err,
      });
    }
  } else {
    try {
      raw = await parseHclCached(name, source, hclCache);
    } catch (err) {
      throw new ConfigError(name, formatHclDiagnostics(String((err as Error).message ?? err)), {
        cause: err,
      });
    }
  }
  const result = validateConfig(raw, refs);
  if (!result.ok) throw ConfigError.fromIssues(name, source, result.issues);
  return result.config;
}

/** Finds and parses the config file in a directory. */
export async function loadBerthConfig(
  dir: string,
  refs: GitRefs,
  hclCache?: HclCacheOptions,
): Promise<{ file: string; config: BerthConfig }> {
  for (const candidate of configFileNames) {
    const file = join(dir, candidate);
    const source = await readFile(file, "utf8").catch(() => undefined);
    if (source !== undefined) return { file, config: await parseBerthConfig(file, source, refs, hclCache) };
  }
  throw new ConfigError("berth.hcl", [
    `no berth.hcl or berth.json in ${dir}; run "berth init" to create one`,
  ]);
}
