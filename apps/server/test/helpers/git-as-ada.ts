import { execFileSync } from "node:child_process";

/** Runs git in `cwd` as a fixed author (Ada Lovelace) with `main` as the default branch; its output, trimmed. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.name=Ada Lovelace",
      "-c",
      "user.email=ada@example.com",
      "-c",
      "init.defaultBranch=main",
      ...args,
    ],
    { cwd, encoding: "utf8" },
  ).trim();
}
