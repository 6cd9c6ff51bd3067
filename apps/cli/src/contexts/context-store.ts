// Saved login contexts ({ name, server, token, dashboard? }) in the user's config dir, readable only by the user.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseServerAddresses } from "@berth/failover";
import envPaths from "env-paths";

export interface CliContext {
  name: string;
  /** The API's base URL, e.g. http://127.0.0.1:9701 */
  server: string;
  token: string;
  /** The dashboard's base URL, for `berth login-link` (remembered from `berth login --dashboard`). */
  dashboard?: string;
}

export interface ContextFile {
  current: string;
  contexts: CliContext[];
}

/** Where contexts live: $BERTH_CONFIG_DIR, else the platform's config dir (~/.config/berth on Linux). */
export function configDir(): string {
  return process.env.BERTH_CONFIG_DIR || envPaths("berth", { suffix: "" }).config;
}

function contextsPath(): string {
  return join(configDir(), "contexts.json");
}

/** The saved contexts (none yet: an empty file). */
export function readContexts(): ContextFile {
  const path = contextsPath();
  if (!existsSync(path)) return { current: "", contexts: [] };
  let parsed: Partial<ContextFile>;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`${path} is not valid JSON; fix or delete it and run berth login again`, { cause: e });
  }
  return { current: parsed.current ?? "", contexts: Array.isArray(parsed.contexts) ? parsed.contexts : [] };
}

/** Writes the contexts file atomically with mode 0600 (it holds tokens). */
export function writeContexts(file: ContextFile): void {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = contextsPath();
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Adds or replaces a context and makes it current. */
export function saveContext(context: CliContext): void {
  const file = readContexts();
  const contexts = file.contexts.filter((c) => c.name !== context.name);
  contexts.push(context);
  writeContexts({ current: context.name, contexts });
}

/** Remembers the dashboard's address in a saved context (the current one stays current); false if not saved. */
export function rememberDashboard(name: string, dashboard: string): boolean {
  const file = readContexts();
  const found = file.contexts.find((c) => c.name === name);
  if (!found) return false;
  found.dashboard = dashboard;
  writeContexts(file);
  return true;
}

/** Makes a saved context current; an unknown name is an error listing the known ones. */
export function useContext(name: string): CliContext {
  const file = readContexts();
  const found = file.contexts.find((c) => c.name === name);
  if (!found) {
    const known = file.contexts.map((c) => c.name).join(", ") || "none; run berth login first";
    throw new Error(`no context named "${name}"; known: ${known}`);
  }
  writeContexts({ ...file, current: name });
  return found;
}

/**
 * The context commands talk to: BERTH_SERVER (one address, or several separated by commas) + BERTH_TOKEN when
 * both are set (CI, scripts), else the named or current saved one.
 */
export function currentContext(name?: string): CliContext {
  const { BERTH_SERVER: server, BERTH_TOKEN: token } = process.env;
  if (!name && server && token)
    return { name: "env", server: parseServerAddresses(server, "BERTH_SERVER").join(","), token };
  const file = readContexts();
  const wanted = name || file.current;
  const found = file.contexts.find((c) => c.name === wanted);
  if (!found) {
    if (!wanted) throw new Error("not logged in: run berth login --server <url>");
    throw new Error(`no context named "${wanted}"; run berth context list`);
  }
  return found;
}
