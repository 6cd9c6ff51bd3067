// Run by proxies.ts in a child process: the plainest fast Node reverse proxy we know how to write — node:http,
// one keep-alive Agent (lifo), headers passed through, bodies piped — with no routing, retries or metrics. It is
// the same-run peer for "how close to plain Node is Berth's router", not a product.
// Prints one JSON line ({ port }) when listening; exits when stdin closes.
import { Agent, createServer, request } from "node:http";

const upstreamPort = Number(process.argv[2]);
if (!Number.isInteger(upstreamPort) || upstreamPort <= 0)
  throw new Error(`bad upstream port: ${process.argv[2]}`);
const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: "lifo" });
const server = createServer((req, res) => {
  const up = request(
    { host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent },
    (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    },
  );
  up.on("error", () => {
    res.statusCode = 502;
    res.end();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`,
  );
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
