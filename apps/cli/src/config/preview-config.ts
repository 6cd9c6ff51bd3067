import { blocks, type Checker, describe, isObject } from "./config-checker.js";
import type { PreviewConfig } from "./config-types.js";
import { parseDuration } from "./parse-duration.js";

const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const branchPatternPattern = /^(?!-)[A-Za-z0-9._/*-]{1,255}$/;
/** A preview lives at most this long after its last push without being closed (a bound, like retention's). */
const maxExpireMs = 90 * 86_400_000;

/**
 * `preview { branches = ["feature/*"], forks = false, expire_after = "72h", status { api_url, token },
 * config { env = { … } } }`: each pull request (of a matching head branch) gets its own preview app
 * `<app>--pr-<N>`, built from the app's git source. `status.token` names a secret config var (never the token).
 */
export function previewConfig(
  c: Checker,
  v: unknown,
  path: string[],
  envOf: (raw: unknown, path: string[]) => Record<string, string>,
  hasSource: boolean,
): PreviewConfig | undefined {
  if (v === undefined) return undefined;
  const list = blocks(v);
  if (list.length !== 1) return c.fail(path, "expected one preview { … } block");
  const raw = list[0]!;
  c.unknownKeys(raw, ["branches", "forks", "expire_after", "status", "config"], path, "preview");
  if (!hasSource)
    c.fail(
      path,
      'a preview is built from the app\'s repository: add source { git { url = "…" } } to the app',
    );
  const branches: string[] = [];
  if (raw.branches !== undefined) {
    if (!Array.isArray(raw.branches))
      c.fail(
        [...path, "branches"],
        `"branches" must be a list of patterns like ["feature/*"], got ${describe(raw.branches)}`,
      );
    else
      for (const b of raw.branches) {
        if (typeof b === "string" && branchPatternPattern.test(b)) branches.push(b);
        else
          c.fail(
            [...path, "branches"],
            `"branches" holds ${describe(b)}, not a branch pattern like "feature/*"`,
          );
      }
  }
  const forks = raw.forks ?? false;
  if (typeof forks !== "boolean")
    c.fail([...path, "forks"], `"forks" must be true or false, got ${describe(forks)}`);
  let expireAfterMs = 0;
  if (raw.expire_after !== undefined) {
    const ms = parseDuration(raw.expire_after);
    if (ms === undefined || ms < 60_000 || ms > maxExpireMs)
      c.fail(
        [...path, "expire_after"],
        `"expire_after" must be a duration from "1m" to "90d" like "72h", got ${describe(raw.expire_after)}`,
      );
    else expireAfterMs = ms;
  }
  let status: PreviewConfig["status"];
  const statusBlock = blocks(raw.status)[0];
  if (statusBlock) {
    const at = [...path, "status"];
    c.unknownKeys(statusBlock, ["api_url", "token"], at, "status");
    const apiUrl = c.string(statusBlock, "api_url", at, true);
    const token = c.string(statusBlock, "token", at, true);
    if (apiUrl !== undefined && !/^https?:\/\/[^\s/@]+(\/\S*)?$/.test(apiUrl))
      c.fail(
        [...at, "api_url"],
        `"api_url" must be the forge's API base like "https://api.github.com", got "${apiUrl}"`,
      );
    if (token !== undefined && !envNamePattern.test(token))
      c.fail(
        [...at, "token"],
        '"token" names a secret config var like "GITHUB_STATUS_TOKEN" (not the token itself), got a value that is not a name',
      );
    if (apiUrl !== undefined && token !== undefined) status = { apiUrl: apiUrl.replace(/\/+$/, ""), token };
  }
  const configBlock = blocks(raw.config)[0];
  if (configBlock) c.unknownKeys(configBlock, ["env"], [...path, "config"], "preview config");
  const env = isObject(configBlock) ? envOf(configBlock.env, [...path, "config", "env"]) : {};
  return { branches, forks: forks === true, expireAfterMs, config: { env }, ...(status && { status }) };
}
