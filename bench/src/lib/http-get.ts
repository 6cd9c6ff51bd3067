// Plain HTTP GETs to 127.0.0.1 with a chosen Host header (how the URL router is reached without DNS).
import { Agent, request } from "node:http";

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** GET `url` (its host becomes the Host header; the connection goes to 127.0.0.1:port). */
export function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: u.port,
        path: u.pathname + u.search,
        headers: { host: u.host },
        agent,
        timeout: timeoutMs,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** The JSON body of a GET, or undefined when it is not a 200 with JSON. */
export async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const r = await httpGet(url);
    return r.status === 200 ? (JSON.parse(r.body) as T) : undefined;
  } catch {
    return undefined;
  }
}
