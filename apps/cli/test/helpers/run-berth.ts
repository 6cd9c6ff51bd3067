import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The real `berth` binary. */
export const berthBin = fileURLToPath(new URL("../../bin/berth.js", import.meta.url));

/** The example app the end-to-end tests deploy (copy it; never write into it). */
export const helloNodeExample = fileURLToPath(new URL("../../../../examples/hello-node", import.meta.url));

export interface BerthRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real binary with `args` and resolves with its exit code and output (it never rejects: tests assert the
 * code). Async, not spawnSync: a server under test in this process must keep serving meanwhile. Its stdin gets
 * `input` (default: nothing) and is then closed, as a shell's `< file` would.
 */
export function runBerth(
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeout: number; input?: string },
): Promise<BerthRun> {
  const { input, ...execOptions } = options;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [berthBin, ...args], execOptions, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input ?? "");
  });
}
