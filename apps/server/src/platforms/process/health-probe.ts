import { request } from "node:http";
import { connect } from "node:net";

/**
 * Probes an instance: HTTP GET of path (status < 400 passes) or, with no path, a TCP connect. `host`: where the
 * instance listens when not on this host (an allocation, a pod).
 */
export function probeHealth(
  port: number,
  path: string,
  timeoutMs: number,
  host = "127.0.0.1",
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const done = (error?: string) => {
      clearTimeout(timer);
      resolve(error);
    };
    const timer = setTimeout(() => {
      cleanup();
      done(`no answer within ${timeoutMs} ms`);
    }, timeoutMs);
    let cleanup = () => {};
    if (!path) {
      const socket = connect(port, host);
      cleanup = () => socket.destroy();
      socket.on("connect", () => {
        done();
        // Close gently: a FIN, then read whatever the service sends first. Destroying at once would answer a
        // banner with a reset, and a service with no socket error handler would crash on it.
        socket.resume();
        socket.end();
        socket.setTimeout(timeoutMs, () => socket.destroy());
      });
      socket.on("error", (err) => done(`TCP connect to port ${port}: ${err.message}`));
      return;
    }
    const req = request({ host, port, path, method: "GET", agent: false }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      done(status < 400 ? undefined : `GET ${path} answered ${status}`);
    });
    cleanup = () => req.destroy();
    req.on("error", (err) => done(`GET ${path} on port ${port}: ${err.message}`));
    req.end();
  });
}
