import { request } from "node:http";

/** GET / through a router on 127.0.0.1:`port` with `host` as the Host header: status and body, or the error's code. */
export function getThroughRouter(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", headers: { host }, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", (e) => resolve({ status: 0, body: e.message }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ status: 0, body: e.code ?? e.message }));
    req.end();
  });
}
