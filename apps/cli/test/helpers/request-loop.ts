import { Agent, request } from "node:http";

export interface RequestLoopResult {
  ok: number;
  /** Every request that did not answer 200, with when and why. */
  failures: { atMs: number; what: string }[];
  /** The body of the last 200 answer. */
  lastBody: string;
}

export interface RequestLoop {
  /** Resolves once `n` more requests answered 200 than when called (traffic demonstrably flows). */
  okAfter(n: number): Promise<void>;
  stop(): Promise<RequestLoopResult>;
}

/**
 * GETs an app host through a router one request at a time, `intervalMs` apart, over keep-alive connections
 * like a browser's, until stopped or `maxRequests` were sent (a bounded load, never an open-ended one).
 */
export function startRequestLoop(
  port: number,
  host: string,
  options: { intervalMs?: number; maxRequests?: number } = {},
): RequestLoop {
  const intervalMs = options.intervalMs ?? 10;
  const maxRequests = options.maxRequests ?? 30_000;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const result: RequestLoopResult = { ok: 0, failures: [], lastBody: "" };
  const started = Date.now();
  const waiters: { target: number; wake: () => void }[] = [];
  let stopping = false;
  const once = () =>
    new Promise<void>((done) => {
      const req = request({ host: "127.0.0.1", port, path: "/", headers: { host }, agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          if (res.statusCode === 200) {
            result.ok++;
            result.lastBody = body;
          } else
            result.failures.push({
              atMs: Date.now() - started,
              what: `${res.statusCode} ${body.slice(0, 200)}`,
            });
          done();
        });
        res.on("error", (err) => {
          result.failures.push({ atMs: Date.now() - started, what: `response: ${err.message}` });
          done();
        });
      });
      req.setTimeout(10_000, () => req.destroy(new Error("no answer in 10 s")));
      req.on("error", (err) => {
        result.failures.push({ atMs: Date.now() - started, what: err.message });
        done();
      });
      req.end();
    });
  const loop = (async () => {
    for (let sent = 0; !stopping && sent < maxRequests; sent++) {
      await once();
      for (const w of waiters.filter((x) => result.ok >= x.target)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.wake();
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    for (const w of waiters.splice(0)) w.wake();
  })();
  return {
    okAfter: (n) => new Promise<void>((wake) => waiters.push({ target: result.ok + n, wake })),
    async stop() {
      stopping = true;
      await loop;
      agent.destroy();
      return result;
    },
  };
}
