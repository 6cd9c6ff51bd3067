import { request } from "node:http";

/** GET / on 127.0.0.1:`port`, with a Host header when given (as a browser resolving *.localhost would send). */
export function httpGet(port: number, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/", headers: host ? { host } : {}, agent: false },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}
