// The quickstart's URL router: `berth router run` as its own process, as production runs it, so app URLs keep
// answering while the server restarts. Supervised like systemd's Restart=always would: a router that dies is
// started again at once, and serves its saved route table before it has even reached the server. Its log goes
// to <logDir>/router.log.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { openSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { repoRoot } from "./demo-app.js";

const berthBin = join(repoRoot, "apps/cli/bin/berth.js");

export interface RouterChild {
  port: number;
  /** The router process running now (a new one after a restart). */
  pid(): number;
  /** How many times the supervisor started it again after it died. */
  restarts(): number;
  /** Stops supervising, SIGTERMs it and waits until it is gone (requests in flight get a moment). */
  stop(): Promise<void>;
}

export interface RouterProcessOptions {
  serverUrl: string;
  host: string;
  port: number;
  token: string;
  stateDir: string;
  logDir: string;
}

/** A port that was free a moment ago: app URLs must name the router's port before the router listens. */
export async function freePort(host: string): Promise<number> {
  const probe = createServer();
  probe.listen(0, host);
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  await once(probe, "close");
  if (!address || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** Spawns one router process and resolves at its ready line (rejects if it exits first). */
async function spawnRouter(
  options: RouterProcessOptions,
): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const log = openSync(join(options.logDir, "router.log"), "a");
  const args = [
    "router",
    "run",
    "--server",
    options.serverUrl,
    "--host",
    options.host,
    "--port",
    String(options.port),
  ];
  args.push("--state-dir", options.stateDir, "--name", "quickstart");
  const child = spawn(process.execPath, [berthBin, ...args], {
    env: { ...process.env, BERTH_ROUTER_TOKEN: options.token, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", log],
  });
  const exited = once(child, "exit");
  await new Promise<void>((resolve, reject) => {
    exited.then(() =>
      reject(
        new Error(`berth router run exited before it was ready (see ${join(options.logDir, "router.log")})`),
      ),
    );
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith('{"event":"ready"')) resolve();
    });
  });
  return { child, exited };
}

export async function startRouterProcess(options: RouterProcessOptions): Promise<RouterChild> {
  let current = await spawnRouter(options);
  let restarts = 0;
  let stopping = false;
  // Whoever started us may exit without closing the stack (process.exit in a signal handler): take it along.
  const orphanGuard = () => current.child.kill("SIGTERM");
  process.once("exit", orphanGuard);
  const supervise = (async () => {
    while (!stopping) {
      await current.exited;
      if (stopping) return;
      // Its port may still be held for a moment by the dying process: retry a few times, then give up loudly.
      for (let attempt = 0; ; attempt++) {
        try {
          current = await spawnRouter(options);
          restarts++;
          if (stopping) current.child.kill("SIGTERM"); // stop() came while it was starting
          break;
        } catch (err) {
          if (stopping || attempt >= 20) {
            process.stderr.write(`router: could not restart it: ${(err as Error).message}\n`);
            return;
          }
          await sleep(100);
        }
      }
    }
  })();
  return {
    port: options.port,
    pid: () => current.child.pid ?? 0,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      process.removeListener("exit", orphanGuard);
      const { child, exited } = current;
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      await supervise;
    },
  };
}
