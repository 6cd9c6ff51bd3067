import { blocks, Checker, describe, isObject, type Raw } from "./config-checker.js";
import type {
  AppConfig,
  BerthConfig,
  ConfigIssue,
  DeployPlatform,
  HealthCheckConfig,
} from "./config-types.js";
import { platformAttributes } from "./config-types.js";
import type { GitRefs } from "./git-functions.js";
import { parseDuration } from "./parse-duration.js";
import { previewConfig } from "./preview-config.js";
import { gitSource } from "./source-config.js";

const namePattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const appKeys = [
  "path",
  "description",
  "owner",
  "labels",
  "links",
  "build",
  "registry",
  "deploy",
  "release",
  "config",
  "retention",
  "source",
  "preview",
];
/** The most unreleased deployments `retention` may keep running (a bound, like `count`'s). */
const maxKeepUnreleased = 1000;

/** The result of validating: a config, or the list of what is wrong with it. */
export type ValidationResult = { ok: true; config: BerthConfig } | { ok: false; issues: ConfigIssue[] };

function stringMap(c: Checker, v: unknown, path: string[], what: string): Record<string, string> {
  if (v === undefined) return {};
  const obj = Array.isArray(v) ? Object.assign({}, ...v.filter(isObject)) : v;
  if (!isObject(obj)) {
    c.fail(path, `${what} must be a map of strings, like { KEY = "value" }`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj)) {
    if (typeof val === "string" || typeof val === "number" || typeof val === "boolean") {
      const s = c.string({ [k]: String(val) }, k, path, true);
      if (s !== undefined) out[k] = s;
    } else c.fail([...path, k], `${what} value "${k}" must be a string, got ${describe(val)}`);
  }
  return out;
}

function health(c: Checker, raw: Raw | undefined, path: string[]): HealthCheckConfig {
  const result: HealthCheckConfig = { path: "/", intervalMs: 1000, timeoutMs: 2000, startTimeoutMs: 30_000 };
  if (!raw) return result;
  c.unknownKeys(raw, ["path", "tcp", "interval", "timeout", "start_timeout"], path, "health");
  if (raw.tcp === true) result.path = "";
  const p = c.string(raw, "path", path, false);
  if (p !== undefined) {
    if (!p.startsWith("/")) c.fail([...path, "path"], `health "path" must start with "/", got "${p}"`);
    result.path = p;
  }
  for (const key of ["interval", "timeout", "start_timeout"] as const) {
    if (raw[key] === undefined) continue;
    const ms = parseDuration(raw[key]);
    if (ms === undefined || ms <= 0 || ms > 600_000)
      c.fail([...path, key], `health "${key}" must be a duration like "2s" or "500ms" (up to 10m)`);
    else if (key === "interval") result.intervalMs = ms;
    else if (key === "timeout") result.timeoutMs = ms;
    else result.startTimeoutMs = ms;
  }
  return result;
}

const memoryPattern = /^[1-9][0-9]*[kmg]?$/i;
const nomadDrivers = ["raw_exec", "exec", "docker"];

/** Checks of single attributes beyond their type: a message for a bad value, undefined for a good one. */
const valueChecks: Record<string, (v: string | number, platform: DeployPlatform) => string | undefined> = {
  memory: (v) =>
    memoryPattern.test(String(v)) ? undefined : `"memory" must be a size like "256m" or "1g", got "${v}"`,
  driver: (v) =>
    nomadDrivers.includes(String(v))
      ? undefined
      : `"driver" must be one of ${nomadDrivers.join(", ")}, got "${v}"`,
  canary: (v) => (Number.isInteger(v) ? undefined : `"canary" must be a whole number, got ${v}`),
  keep_images: (v) =>
    Number.isInteger(v) ? undefined : `"keep_images" must be a whole number of images, got ${v}`,
  token_env: (v) =>
    /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(v))
      ? undefined
      : `"token_env" must name an environment variable of the server, like "NOMAD_TOKEN", got "${v}"`,
  address: (v, platform) =>
    platform !== "nomad" || /^https?:\/\/[^\s/]+/.test(String(v))
      ? undefined
      : `"address" must be the agent's URL, like "http://127.0.0.1:4646", got "${v}"`,
  namespace: (v, platform) =>
    platform !== "kubernetes" || (String(v).length <= 63 && namePattern.test(String(v)))
      ? undefined
      : `"namespace" must be a Kubernetes namespace name (lowercase letters, digits, dashes), got "${v}"`,
  service: (v) =>
    String(v).length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(String(v))
      ? undefined
      : `"service" must be a Kubernetes Service name (lowercase letters, digits, dashes; a letter first), got "${v}"`,
  datacenters: (v) =>
    String(v)
      .split(",")
      .every((d) => /^[\w.*-]+$/.test(d))
      ? undefined
      : `"datacenters" must be names like "dc1", got "${v}"`,
};

/** A deploy platform's own attributes (`image`, `memory`, ...), type-checked; `docker` and `kubernetes` need an image. */
function platformOptions(
  c: Checker,
  platform: DeployPlatform,
  raw: Raw,
  path: string[],
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, type] of Object.entries(platformAttributes[platform])) {
    const v = raw[key];
    if (v === undefined) continue;
    let value: string | number | undefined;
    if (key === "port") {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 65535)
        c.fail([...path, key], `"port" must be a whole number from 1 to 65535, got ${describe(v)}`);
      else value = v;
    } else if (type === "number") {
      if (typeof v !== "number" || !(v > 0) || v > 1024)
        c.fail([...path, key], `"${key}" must be a number above 0 (at most 1024), got ${describe(v)}`);
      else value = v;
    } else if (type === "list") {
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "string"))
        c.fail([...path, key], `"${key}" must be a list of strings, like ["dc1"], got ${describe(v)}`);
      else value = v.join(",");
    } else value = c.string(raw, key, path, false);
    if (value === undefined) continue;
    const problem = valueChecks[key]?.(value, platform);
    if (problem) c.fail([...path, key], problem);
    else out[key] = value;
  }
  const needsImage = platform === "docker" || (platform === "nomad" && out.driver === "docker");
  if (needsImage && out.image === undefined && raw.image === undefined)
    c.fail(path, `deploy "${platform}" needs an "image" (the base image, like "node:20-slim")`);
  if (platform === "kubernetes" && out.image === undefined && raw.image === undefined)
    c.fail(
      path,
      `deploy "kubernetes" needs an "image" (the image the pods run, like "ghcr.io/acme/web:1.2")`,
    );
  if (platform === "nomad" && raw.token !== undefined)
    c.fail(
      [...path, "token"],
      `"token" would keep the Nomad ACL token in berth.hcl: set it in the server's environment (NOMAD_TOKEN), or name the variable with token_env`,
    );
  return out;
}

/** `retention { keep_unreleased = 3 }`: how many unreleased deployments stay running; undefined: all. */
function retention(c: Checker, v: unknown, path: string[]): AppConfig["retention"] {
  if (v === undefined) return undefined;
  const list = blocks(v);
  if (list.length !== 1) {
    c.fail(path, "expected one block: retention { keep_unreleased = 3 }");
    return undefined;
  }
  const raw = list[0]!;
  c.unknownKeys(raw, ["keep_unreleased"], path, "retention");
  const n = raw.keep_unreleased;
  if (n === undefined) return c.fail(path, 'retention needs "keep_unreleased", e.g. keep_unreleased = 3');
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > maxKeepUnreleased)
    return c.fail(
      [...path, "keep_unreleased"],
      `"keep_unreleased" must be a whole number from 0 to ${maxKeepUnreleased}, got ${describe(n)}`,
    );
  return { keepUnreleased: n };
}

const maxExcludes = 1000;

/** `exclude = ["*.log", "fixtures/"]`: gitignore-style patterns, relative to the app's directory. */
function excludePatterns(c: Checker, v: unknown, path: string[]): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    c.fail(path, `"exclude" must be a list of patterns like ["*.log", "fixtures/"], got ${describe(v)}`);
    return [];
  }
  if (v.length > maxExcludes) c.fail(path, `"exclude" has ${v.length} patterns; at most ${maxExcludes}`);
  const out: string[] = [];
  for (const p of v.slice(0, maxExcludes)) {
    if (typeof p !== "string") c.fail(path, `"exclude" patterns must be strings, got ${describe(p)}`);
    else if (p.trim() === "" || p.length > 1024 || /[\0\r\n]/.test(p))
      c.fail(
        [...path, p],
        `exclude pattern ${JSON.stringify(p)} must be one non-empty line of at most 1024 characters`,
      );
    else if (p.replace(/^!/, "").split("/").includes(".."))
      c.fail([...path, p], `exclude pattern "${p}" climbs out of the app's directory with ".."`);
    else out.push(p);
  }
  return out;
}

/** What the app catalog shows: `description`, `owner` and `links` (http(s) URLs), each only when written. */
function catalogEntry(
  c: Checker,
  raw: Raw,
  path: string[],
): Pick<AppConfig, "description" | "owner" | "links"> {
  const description = c.string(raw, "description", path, false);
  if (description !== undefined && description.length > 500)
    c.fail([...path, "description"], `"description" is at most 500 characters, got ${description.length}`);
  const owner = c.string(raw, "owner", path, false);
  if (owner !== undefined && !/^[\w.@/ -]{1,100}$/.test(owner))
    c.fail(
      [...path, "owner"],
      `"owner" must be a team or person name (letters, digits, . @ / - and spaces), got "${owner}"`,
    );
  const links = stringMap(c, raw.links, [...path, "links"], "links");
  for (const [k, url] of Object.entries(links))
    if (!/^https?:\/\/\S+$/.test(url))
      c.fail([...path, "links", k], `link "${k}" must be an http(s) URL, got "${url}"`);
  return {
    ...(description && { description }),
    ...(owner && { owner }),
    ...(Object.keys(links).length > 0 && { links }),
  };
}

function app(c: Checker, name: string, raw: Raw): AppConfig | undefined {
  const path = ["app", name];
  if (!namePattern.test(name) || name.length > 63)
    c.fail(path, `app name "${name}" must be lowercase letters, digits and dashes (at most 63)`);
  else if (name.includes("--"))
    c.fail(
      path,
      `app name "${name}" contains "--", which is reserved for deployment and preview URLs (<app>--v3, <app>--pr-7)`,
    );
  c.unknownKeys(raw, appKeys, path, `app "${name}"`);
  const build = c.use(raw, "build", path, true);
  const registry = c.use(raw, "registry", path, false);
  const deploy = c.use(raw, "deploy", path, true);
  const release = c.use(raw, "release", path, false);
  const configBlock = blocks(raw.config)[0];
  if (configBlock) c.unknownKeys(configBlock, ["env"], [...path, "config"], "config");
  const env = stringMap(c, configBlock?.env, [...path, "config", "env"], "config env");
  const labels = stringMap(c, raw.labels, [...path, "labels"], "labels");
  const catalog = catalogEntry(c, raw, path);
  const appPath = c.string(raw, "path", path, false) ?? ".";
  const keep = retention(c, raw.retention, [...path, "retention"]);
  const source = gitSource(c, raw.source, [...path, "source"]);
  const preview = previewConfig(
    c,
    raw.preview,
    [...path, "preview"],
    (v, at) => stringMap(c, v, at, "preview config env"),
    raw.source !== undefined,
  );
  if (!build || !deploy || !registry || !release) return undefined;

  const buildPath = [...path, "build", "use", build.name];
  c.unknownKeys(build.options, ["command", "exclude"], buildPath, `build "${build.name}"`);
  const buildCommand = c.string(build.options, "command", buildPath, false) ?? "";
  const exclude = excludePatterns(c, build.options.exclude, [...buildPath, "exclude"]);

  const deployPath = [...path, "deploy", "use", deploy.name];
  const platform = deploy.name as DeployPlatform;
  const extra = platformAttributes[platform];
  c.unknownKeys(
    deploy.options,
    [
      "command",
      "count",
      "max_parallel",
      "health",
      ...Object.keys(extra),
      ...(platform === "nomad" ? ["token"] : []),
    ],
    deployPath,
    `deploy "${deploy.name}"`,
  );
  const options = platformOptions(c, platform, deploy.options, deployPath);
  const command = c.string(deploy.options, "command", deployPath, true);
  let count = 1;
  if (deploy.options.count !== undefined) {
    const n = deploy.options.count;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 100)
      c.fail([...deployPath, "count"], `"count" must be a whole number from 1 to 100, got ${describe(n)}`);
    else count = n;
  }
  let maxParallel: number | undefined;
  if (deploy.options.max_parallel !== undefined) {
    const n = deploy.options.max_parallel;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 100)
      c.fail(
        [...deployPath, "max_parallel"],
        `"max_parallel" must be a whole number from 1 to 100, got ${describe(n)}`,
      );
    else maxParallel = n;
  }
  const healthCheck = health(c, blocks(deploy.options.health)[0], [...deployPath, "health"]);
  if (command === undefined) return undefined;
  return {
    name,
    path: appPath,
    labels,
    ...catalog,
    build: { use: "archive", command: buildCommand, exclude },
    registry: { use: "server" },
    deploy: {
      use: platform,
      command,
      count,
      ...(maxParallel && { maxParallel }),
      health: healthCheck,
      ...(Object.keys(options).length > 0 && { options }),
    },
    release: { use: "router" },
    config: { env },
    ...(keep && { retention: keep }),
    ...(source && { source }),
    ...(preview && { preview }),
  };
}

/** Checks the JSON form of a berth.hcl (as hcl2json returns it, or a berth.json) and normalises it. */
export function validateConfig(raw: unknown, refs: GitRefs): ValidationResult {
  const c = new Checker(refs);
  if (!isObject(raw)) return { ok: false, issues: [{ path: [], message: "expected a config object" }] };
  c.unknownKeys(raw, ["project", "app"], [], "the file");
  const project = c.string(raw, "project", [], true);
  if (project !== undefined && (!namePattern.test(project) || project.length > 63))
    c.fail(
      ["project"],
      `project name "${project}" must be lowercase letters, digits and dashes (at most 63)`,
    );
  const apps: AppConfig[] = [];
  const rawApps = raw.app;
  if (rawApps === undefined) c.fail([], 'expected at least one app "<name>" { ... } block');
  else if (!isObject(rawApps)) c.fail(["app"], 'expected app blocks with a name label: app "web" { ... }');
  else {
    for (const [name, body] of Object.entries(rawApps)) {
      const list = blocks(body);
      if (list.length !== 1) {
        c.fail(["app", name], `app "${name}" must be declared exactly once`);
        continue;
      }
      const parsed = app(c, name, list[0]!);
      if (parsed) apps.push(parsed);
    }
  }
  if (c.issues.length > 0 || project === undefined) return { ok: false, issues: c.issues };
  return { ok: true, config: { project, apps } };
}
