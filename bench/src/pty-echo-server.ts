// The terminal's limit: a bare WebSocket ⇄ node-pty server with no hops (no BFF, no server relay, no entrypoint,
// no auth). The first text frame names the command; binary frames are stdin; the PTY's output goes back as binary
// frames. Run as a child process by terminal.ts: prints {"port":N} when listening, exits when stdin closes.
import pty from "node-pty";
import { WebSocketServer } from "ws";

/** Starts the echo server on 127.0.0.1 (port 0 = any free port). */
export function startPtyEchoServer(port = 0): Promise<{ port: number; close(): void }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port });
  wss.on("connection", (ws) => {
    let term: pty.IPty | undefined;
    ws.on("message", (data, isBinary) => {
      if (!term) {
        const { command } = JSON.parse(String(data)) as { command: string };
        // encoding null: raw bytes both ways, as the entrypoint runs its PTYs.
        term = pty.spawn(command, [], {
          name: "xterm-256color",
          cols: 80,
          rows: 24,
          cwd: process.cwd(),
          env: process.env,
          encoding: null,
        });
        term.onData((d: string | Buffer) => ws.send(typeof d === "string" ? Buffer.from(d) : d));
        term.onExit(() => ws.close(1000));
        return;
      }
      term.write(isBinary ? (data as Buffer) : String(data));
    });
    ws.on("close", () => term?.kill());
  });
  return new Promise((resolve) =>
    wss.on("listening", () =>
      resolve({ port: (wss.address() as { port: number }).port, close: () => wss.close() }),
    ),
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  const s = await startPtyEchoServer();
  process.stdout.write(`${JSON.stringify({ port: s.port })}\n`);
  process.stdin.on("close", () => process.exit(0));
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
