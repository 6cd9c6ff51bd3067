import { parseServerAddresses } from "@berth/failover";

/** What the platform tells the entrypoint through its environment. */
export interface EntrypointEnv {
  /**
   * The API's base URLs (BERTH_SERVER_ADDR, comma-separated: replicas are tried in turn); none runs the app without
   * a server (output goes to our own stdout/stderr).
   */
  serverAddrs: string[];
  token: string;
  deploymentId: string;
  instanceId: string;
  configRevision: number;
  /** Names of the config vars the platform put in the env (comma-separated BERTH_CONFIG_KEYS). */
  configKeys: string[];
  /** Also copy the app's output to the entrypoint's own stdout/stderr. */
  echo: boolean;
  /** The user the app and exec'd commands run as (BERTH_APP_UID/GID); unset: ours. */
  user?: RunAs;
  /** How long a replaced app keeps serving after its replacement is ready (BERTH_DRAIN_MS; default 2 s). */
  drainMs: number;
}

/** A uid/gid pair a child process is started with. */
export interface RunAs {
  uid: number;
  gid: number;
}

/** Names the entrypoint reads for itself and does not pass on to the app. */
const ownNames = new Set(["BERTH_ENTRYPOINT_TOKEN", "BERTH_ENTRYPOINT_HANDOVER_FD"]);

function runAs(env: NodeJS.ProcessEnv): RunAs | undefined {
  if (env.BERTH_APP_UID === undefined) return undefined;
  const uid = Number(env.BERTH_APP_UID);
  const gid = Number(env.BERTH_APP_GID ?? env.BERTH_APP_UID);
  if (!Number.isInteger(uid) || uid < 0 || !Number.isInteger(gid) || gid < 0)
    throw new Error(
      `BERTH_APP_UID/BERTH_APP_GID must be numeric ids, got "${env.BERTH_APP_UID}"/"${env.BERTH_APP_GID ?? ""}"`,
    );
  return { uid, gid };
}

function drainMs(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 2_000;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0)
    throw new Error(`BERTH_DRAIN_MS must be a whole number of milliseconds, got "${raw}"`);
  return ms;
}

/** Reads the entrypoint's settings from its environment. */
export function readEntrypointEnv(env: NodeJS.ProcessEnv): EntrypointEnv {
  const rawAddrs = env.BERTH_SERVER_ADDR ?? "";
  const serverAddrs = rawAddrs === "" ? [] : parseServerAddresses(rawAddrs, "BERTH_SERVER_ADDR");
  return {
    serverAddrs,
    token: env.BERTH_ENTRYPOINT_TOKEN ?? "",
    deploymentId: env.BERTH_DEPLOYMENT_ID ?? "",
    instanceId: env.BERTH_INSTANCE_ID ?? "",
    configRevision: Number(env.BERTH_CONFIG_REVISION ?? 0) || 0,
    configKeys: (env.BERTH_CONFIG_KEYS ?? "").split(",").filter(Boolean),
    echo: env.BERTH_ENTRYPOINT_ECHO === "1" || serverAddrs.length === 0,
    user: runAs(env),
    drainMs: drainMs(env.BERTH_DRAIN_MS),
  };
}

/** The app's env: ours minus the entrypoint's own secret (and where it came from). */
export function appEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !ownNames.has(k)) out[k] = v;
  }
  return out;
}

/** The app's command: everything after `--` (or all arguments when there is no `--`). */
export function appCommand(argv: string[]): string[] {
  const dash = argv.indexOf("--");
  return dash === -1 ? argv : argv.slice(dash + 1);
}
