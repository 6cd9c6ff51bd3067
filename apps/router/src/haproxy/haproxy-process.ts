// haproxy as our child process in master-worker mode: started on a config file, ready once its runtime API answers,
// stopped by signal. Its stderr is kept (bounded) so a failure says what haproxy said.
import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import type { RuntimeApi } from "./runtime-api.js";

export interface HaproxyProcess {
  /** The master's pid (its worker is a child of it). */
  pid: number;
  /** Resolves when the master exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  stop(): Promise<void>;
}

const stderrLimit = 16 * 1024;

/** Starts haproxy on its config file and waits until `api` answers `show info`. */
export async function startHaproxyProcess(options: {
  bin: string;
  configPath: string;
  api: RuntimeApi;
  readyTimeoutMs?: number;
}): Promise<HaproxyProcess> {
  let stderr = "";
  const child: ChildProcess = spawn(options.bin, ["-W", "-db", "-f", options.configPath], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => {
    stderr = (stderr + d).slice(-stderrLimit);
  });
  let spawnError: Error | undefined;
  child.once("error", (err) => {
    spawnError = err;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // SIGTERM: the master stops its worker at once (SIGUSR1 would wait for every open connection).
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    if (spawnError) throw new Error(`cannot start haproxy (${options.bin}): ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`haproxy exited at start (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`);
    const info = await options.api.send("show info").catch(() => "");
    if (/^Pid: \d+$/m.test(info)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `haproxy did not answer on its runtime API within ${options.readyTimeoutMs ?? 10_000} ms: ${stderr.trim()}`,
      );
    }
    await sleep(wait);
  }
  return { pid: child.pid!, exited, stderr: () => stderr, stop };
}
