// hello-node: the smallest app Berth deploys. No dependencies: it listens on $PORT, answers with its
// version, the git SHA it was built from (BERTH_GIT_SHA) and a config value (GREETING), and logs each request.
const http = require("node:http");
const { version } = require("./package.json");

const port = Number(process.env.PORT || 3000);
const sha = process.env.BERTH_GIT_SHA || "unknown";
const greeting = process.env.GREETING || "hello";

const server = http.createServer((req, res) => {
  console.log(`${new Date().toISOString()} ${req.method} ${req.url} host=${req.headers.host}`);
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok\n");
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    `${JSON.stringify({
      app: "hello-node",
      version,
      sha,
      greeting,
      deployment: process.env.BERTH_DEPLOYMENT_SEQ || "",
      instance: process.env.BERTH_INSTANCE_ID || "",
    })}\n`,
  );
});

server.listen(port, () => {
  console.log(`hello-node ${version} (${sha.slice(0, 7)}) listening on ${port}`);
  // The greeting comes from config: printing it shows a config change reaching the app (and its logs).
  console.log(`greeting: ${greeting}`);
});
// Stop accepting, let in-flight requests finish (idle keep-alive connections would hold close() open).
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 2000).unref();
});
