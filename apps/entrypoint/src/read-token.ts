import { closeSync, readFileSync } from "node:fs";

/**
 * The entrypoint's token. The process platform hands it over on an inherited pipe (fd number in
 * BERTH_ENTRYPOINT_TOKEN_FD), so it is in no environment: not ours in /proc/<pid>/environ, not the app's.
 * BERTH_ENTRYPOINT_TOKEN remains for platforms that can only pass env vars.
 */
export function readToken(env: NodeJS.ProcessEnv): string {
  const fdName = env.BERTH_ENTRYPOINT_TOKEN_FD;
  if (fdName === undefined || fdName === "") return env.BERTH_ENTRYPOINT_TOKEN ?? "";
  const fd = Number(fdName);
  if (!Number.isInteger(fd) || fd < 3)
    throw new Error(`BERTH_ENTRYPOINT_TOKEN_FD must be a file descriptor number >= 3, got "${fdName}"`);
  try {
    return readFileSync(fd, "utf8").trim();
  } finally {
    closeSync(fd);
  }
}
