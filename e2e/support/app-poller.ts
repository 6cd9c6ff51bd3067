import { Agent, request } from "node:http";

export interface PollResult {
  ok: number;
  /** Every answer that was not 200, and every failed request, with when (ms after the start) and what. */
  failures: string[];
}

/**
 * Polls an app URL every `everyMs` over keep-alive (as a browser would) until stopped, at most `max` times: the
 * visitor's view of a rollout, so a journey can assert that no request failed while it clicked.
 */
export function pollApp(url: string, everyMs = 20, max = 5_000): { stop(): Promise<PollResult> } {
  const u = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const result: PollResult = { ok: 0, failures: [] };
  const started = Date.now();
  let stopping = false;
  const once = () =>
    new Promise<void>((done) => {
      const fail = (what: string) => {
        result.failures.push(`${Date.now() - started} ms: ${what}`);
        done();
      };
      const req = request(
        { host: "127.0.0.1", port: u.port, path: "/", headers: { host: u.host }, agent },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (body += d));
          res.on("end", () => {
            if (res.statusCode === 200) {
              result.ok++;
              done();
            } else fail(`${res.statusCode} ${body.slice(0, 200)}`);
          });
          res.on("error", (err) => fail(err.message));
        },
      );
      req.setTimeout(5_000, () => req.destroy(new Error("no answer in 5 s")));
      req.on("error", (err) => fail(err.message));
      req.end();
    });
  const loop = (async () => {
    for (let n = 0; !stopping && n < max; n++) {
      await once();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      agent.destroy();
      return result;
    },
  };
}
