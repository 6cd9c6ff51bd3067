// The bench's logging app: on GET /emit?rate=R&seconds=S&tag=T it writes R lines/s for S seconds to stdout,
// each "T <n> t=<epoch ms>" (its write time), then "T end". Writes in 10 ms ticks, like a busy service would.
const http = require("node:http");

const now = () => performance.timeOrigin + performance.now();
const filler = "-".repeat(60);

function emit(rate, seconds, tag) {
  const total = Math.round(rate * seconds);
  const started = now();
  let n = 0;
  const tick = () => {
    const due = Math.min(total, Math.floor(((now() - started) / 1000) * rate) + 1);
    let chunk = "";
    for (; n < due; n++) chunk += `${tag} ${n} t=${now().toFixed(3)} ${filler}\n`;
    if (chunk) process.stdout.write(chunk);
    if (n < total) setTimeout(tick, 10);
    else process.stdout.write(`${tag} end\n`);
  };
  tick();
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/emit") {
    emit(
      Number(url.searchParams.get("rate")),
      Number(url.searchParams.get("seconds")),
      url.searchParams.get("tag"),
    );
  }
  res.end("ok\n");
});
server.listen(Number(process.env.PORT || 3000), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
