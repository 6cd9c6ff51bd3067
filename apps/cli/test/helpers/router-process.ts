import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { berthBin } from "./run-berth.js";

/** `berth router run` as a child process (the real binary). */
export interface RouterProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<unknown>;
  stderr(): string;
  /** Resolves when the router's log has said `text` at least `times` times in all. */
  logged(text: string, times?: number): Promise<void>;
}

/** Starts `berth router run` and resolves at its ready line (rejects if it exits first). */
export async function startRouterProcess(options: {
  serverUrl: string;
  port: number;
  token: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  engine?: "node" | "haproxy";
}): Promise<RouterProcess> {
  const args = ["router", "run", "--server", options.serverUrl, "--port", String(options.port)];
  args.push("--state-dir", options.stateDir, "--name", "test-router", "--engine", options.engine ?? "node");
  const child = spawn(process.execPath, [berthBin, ...args], {
    env: { ...options.env, BERTH_ROUTER_TOKEN: options.token },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const watchers = new Set<() => void>();
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-50_000);
    for (const check of [...watchers]) check();
  });
  const exited = once(child, "exit");
  const port = await new Promise<number>((resolve, reject) => {
    exited.then(() => reject(new Error(`berth router run exited before it was ready:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith('{"event":"ready"')) resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  const logged = (text: string, times = 1) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (stderr.split(text).length - 1 >= times) {
          watchers.delete(check);
          resolve();
        }
      };
      watchers.add(check);
      check();
    });
  return { child, port, exited, stderr: () => stderr, logged };
}
