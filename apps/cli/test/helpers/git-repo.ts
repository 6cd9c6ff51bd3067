import { execFileSync } from "node:child_process";

/** Runs git with `args` in `dir`; returns its trimmed output. */
export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
}

/** Commits everything in `dir` as a fixed author; returns the new SHA. */
export function commitAll(dir: string, message: string): string {
  gitIn(dir, "add", "-A");
  gitIn(dir, "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-qm", message);
  return gitIn(dir, "rev-parse", "HEAD");
}
