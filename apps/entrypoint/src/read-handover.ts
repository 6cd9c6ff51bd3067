import { closeSync, readFileSync } from "node:fs";

/** What the platform hands the entrypoint outside any environment. */
export interface Handover {
  token: string;
  /** The app's environment; undefined: the app gets ours (platforms that can only pass env vars). */
  appEnv?: Record<string, string>;
}

/**
 * Reads the handover from the inherited pipe named by BERTH_ENTRYPOINT_HANDOVER_FD: JSON `{ token, env }`. The
 * process platform starts the entrypoint with a fixed environment of its own and puts the token and the app's
 * environment here, so the token is in no environment (not ours in /proc/<pid>/environ, not the app's), and the
 * app's config (which could hold NODE_OPTIONS or LD_PRELOAD) never configures the entrypoint itself.
 * Without that variable: BERTH_ENTRYPOINT_TOKEN and our own environment for the app.
 */
export function readHandover(env: NodeJS.ProcessEnv): Handover {
  const fdName = env.BERTH_ENTRYPOINT_HANDOVER_FD;
  if (fdName === undefined || fdName === "") return { token: env.BERTH_ENTRYPOINT_TOKEN ?? "" };
  const fd = Number(fdName);
  if (!Number.isInteger(fd) || fd < 3)
    throw new Error(`BERTH_ENTRYPOINT_HANDOVER_FD must be a file descriptor number >= 3, got "${fdName}"`);
  let text: string;
  try {
    text = readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`the handover on fd ${fd} is not JSON`);
  }
  const { token, env: appEnv } = (parsed ?? {}) as { token?: unknown; env?: unknown };
  if (typeof token !== "string" || typeof appEnv !== "object" || appEnv === null)
    throw new Error(`the handover on fd ${fd} needs a token and an env`);
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(appEnv)) if (typeof v === "string") clean[k] = v;
  return { token, appEnv: clean };
}
