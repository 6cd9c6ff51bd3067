import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { childEnv } from "../sandbox/child-env.js";
import type { BuildOutput } from "./builder.js";

/**
 * Runs `sh -c command` in cwd with `env` and the allow-listed part of ours, streaming its lines;
 * rejects with the exit code in the message.
 */
export function runCommand(
  command: string,
  cwd: string,
  env: Record<string, string>,
  output: BuildOutput,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], {
      cwd,
      env: childEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
      signal,
      killSignal: "SIGKILL",
    });
    createInterface({ input: child.stdout }).on("line", (l) => output.line("stdout", l));
    createInterface({ input: child.stderr }).on("line", (l) => output.line("stderr", l));
    child.on("error", (err) => reject(new Error(`build command "${command}" could not run`, { cause: err })));
    child.on("close", (code, sig) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`build command "${command}" failed with ${sig ? `signal ${sig}` : `exit code ${code}`}`),
        );
    });
  });
}
