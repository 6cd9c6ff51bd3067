import { connect, createServer } from "node:net";
import { sleep } from "@berth/failover";

/**
 * Resolves once something accepts TCP connections on 127.0.0.1:port, or after `timeoutMs` (apps that
 * never listen, such as workers, count as running then), or when the signal aborts.
 */
export async function waitForPort(port: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!signal.aborted && Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        resolve(true);
        // Close gently (FIN, then drain): destroying at once answers a service's banner with a reset, which
        // crashes a service that has no socket error handler.
        socket.resume();
        socket.end();
        socket.setTimeout(5_000, () => socket.destroy());
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return true;
    await sleep(50, signal);
  }
  return false;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (the OS picks it): where a replacement app listens. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
