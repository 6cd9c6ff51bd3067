// The bench's trivial app: answers every request with a few bytes naming its instance, and logs nothing per
// request (so the router figures measure proxying, not log shipping).
const http = require("node:http");

const instance = process.env.BERTH_INSTANCE_ID || "local";
const body = `${JSON.stringify({ instance })}\n`;
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT || 3000), "127.0.0.1");
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 1000).unref();
});
