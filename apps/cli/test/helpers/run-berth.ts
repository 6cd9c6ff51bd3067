import { execFile, spawn } from "node:child_process";
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

/**
 * Runs the real binary with its stdout piped into a reader that has already gone away (`berth status | head`
 * once head has exited): every write to stdout fails with EPIPE.
 */
export function runBerthIntoClosedPipe(
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeout: number },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [berthBin, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`berth ${args.join(" ")} did not exit within ${options.timeout} ms:\n${stderr}`));
    }, options.timeout);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}
