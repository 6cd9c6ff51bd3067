import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../..", import.meta.url));

export interface SpawnedServer {
  child: ChildProcess;
  apiUrl: string;
  /** The embedded URL router's port. */
  routerPort: number;
  bootstrapToken?: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/**
 * Runs `src/main.ts` as a child process on port 0 and waits for its ready line. Its apps stop with it on
 * SIGTERM/SIGINT (--stop-apps-on-exit) unless `stopAppsOnExit` is false (the production behaviour).
 */
export async function spawnServer(
  dataDir: string,
  options: { stopAppsOnExit?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<SpawnedServer> {
  const args = ["--data-dir", dataDir, "--api-port", "0", "--router-port", "0", "--print-token-json"];
  if (options.stopAppsOnExit !== false) args.push("--stop-apps-on-exit");
  // node with tsx's loader, not the tsx CLI: the CLI runs the script in a grandchild that a SIGKILL of
  // the child would orphan.
  const child = spawn(process.execPath, ["--import", "tsx", main, ...args], {
    cwd: repoRoot,
    env: { ...process.env, BERTH_LOG_LEVEL: "warn", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<{ apiUrl: string; routerPort: number; bootstrapToken?: string }>(
    (resolve, reject) => {
      lines.on("line", (line) => {
        if (!line.startsWith("{")) return;
        const parsed = JSON.parse(line) as {
          event?: string;
          apiUrl: string;
          routerPort: number;
          bootstrapToken?: string;
        };
        if (parsed.event === "ready") resolve(parsed);
      });
      exited.then(([code, signal]) =>
        reject(new Error(`server exited (${code ?? signal}) before ready:\n${stderr}`)),
      );
    },
  );
  const info = await ready;
  return {
    child,
    apiUrl: info.apiUrl,
    routerPort: info.routerPort,
    bootstrapToken: info.bootstrapToken,
    stderr: () => stderr,
    exited,
  };
}
