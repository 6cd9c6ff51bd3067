import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "./server-process.js";
import { until } from "./until.js";

/** Debian's haproxy as a TCP load balancer in front of server replicas (h2c passes through untouched). */
export interface HaproxyBalancer {
  url: string;
  child: ChildProcess;
  close(): Promise<void>;
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/**
 * Starts haproxy in front of `backendPorts` on a free port, its config in `dir`; resolves once it accepts
 * connections. `balance first`: every connection goes to the first live replica, so a test knows which one its
 * clients are on; a replica that fails its check (every 200 ms) or refuses a connection is passed over.
 */
export async function startHaproxyBalancer(dir: string, backendPorts: number[]): Promise<HaproxyBalancer> {
  const port = await freePort();
  const config = [
    "defaults",
    "  mode tcp",
    "  timeout connect 1s",
    "  timeout client 1h",
    "  timeout server 1h",
    "  retries 2",
    "  option redispatch",
    "frontend api",
    `  bind 127.0.0.1:${port}`,
    "  default_backend replicas",
    "backend replicas",
    "  balance first",
    ...backendPorts.map((p, i) => `  server r${i} 127.0.0.1:${p} check inter 200ms fall 1 rise 1`),
    "",
  ].join("\n");
  const configPath = join(dir, "haproxy.cfg");
  writeFileSync(configPath, config);
  const child = spawn("/usr/sbin/haproxy", ["-W", "-db", "-f", configPath], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-10_000);
  });
  const exited = once(child, "exit");
  void exited.then(() => {
    if (!stopping) stderr += "\n(haproxy exited)";
  });
  let stopping = false;
  await until(`haproxy to listen on ${port}`, () => child.exitCode === null && accepts(port), 10_000, 50);
  if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async close() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
