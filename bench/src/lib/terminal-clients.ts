// One client interface over the terminals the bench compares: Berth's browser terminal (WebSocket to the BFF),
// Berth's exec over gRPC (the CLI's path), the bare WebSocket ⇄ node-pty limit, and wetty (socket.io). Each
// delivers output as bytes.
import { ExecService, type StartExecStreamRequest, StartExecStreamRequestSchema } from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { io } from "socket.io-client";
import WebSocket from "ws";

export interface TermClient {
  send(text: string): void;
  /** Registers the output listener (one at a time; replaces the previous). */
  onData(fn: (chunk: Buffer) => void): void;
  close(): void;
}

function wsClient(ws: WebSocket, ready: Promise<void>): Promise<TermClient> {
  let listener: (chunk: Buffer) => void = () => {};
  ws.on("message", (data, isBinary) => {
    if (isBinary) listener(data as Buffer);
  });
  return ready.then(() => ({
    send: (text) => ws.send(Buffer.from(text), { binary: true }),
    onData: (fn) => {
      listener = fn;
    },
    close: () => ws.close(),
  }));
}

/** Berth: /api/exec on the BFF with the session cookie and Origin, the command run in the deployment's instance. */
export function connectBerth(
  dashboardUrl: string,
  cookie: string,
  deploymentId: string,
  command: string,
): Promise<TermClient> {
  const url = new URL("/api/exec", dashboardUrl);
  url.protocol = "ws:";
  const ws = new WebSocket(url, { headers: { cookie, origin: dashboardUrl } });
  const ready = new Promise<void>((resolve, reject) => {
    ws.on("open", () => ws.send(JSON.stringify({ deploymentId, command: [command], cols: 80, rows: 24 })));
    ws.on("message", (data, isBinary) => {
      if (!isBinary && (JSON.parse(String(data)) as { type?: string }).type === "started") resolve();
    });
    ws.on("error", reject);
    ws.on("close", (code, reason) => reject(new Error(`terminal closed ${code} ${reason}`)));
  });
  return wsClient(ws, ready);
}

/** The limit: pty-echo-server.ts. */
export function connectBare(port: number, command: string): Promise<TermClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  const ready = new Promise<void>((resolve, reject) => {
    ws.on("open", () => {
      ws.send(JSON.stringify({ command }));
      resolve();
    });
    ws.on("error", reject);
  });
  return wsClient(ws, ready);
}

/** wetty: socket.io at /wetty/socket.io; acknowledges output ("commit") like its browser client, or it pauses the PTY. */
export function connectWetty(port: number): Promise<TermClient> {
  const socket = io(`http://127.0.0.1:${port}`, { path: "/wetty/socket.io", transports: ["websocket"] });
  let listener: (chunk: Buffer) => void = () => {};
  socket.on("data", (data: string) => {
    socket.emit("commit", data.length);
    listener(Buffer.from(data));
  });
  return new Promise((resolve, reject) => {
    socket.on("login", () =>
      resolve({
        send: (text) => socket.emit("input", text),
        onData: (fn) => {
          listener = fn;
        },
        close: () => socket.close(),
      }),
    );
    socket.on("connect_error", reject);
  });
}

/**
 * Berth without the BFF: the exec stream over gRPC straight to the server, as `berth exec -t` does. `gzip` false
 * turns off response compression (the transports accept gzip by default, and the server gzips messages ≥ 1 KiB).
 */
export function connectGrpc(
  apiUrl: string,
  token: string,
  deploymentId: string,
  command: string,
  gzip: boolean,
): Promise<TermClient> {
  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  const exec = createClient(
    ExecService,
    createGrpcTransport({
      baseUrl: apiUrl,
      interceptors: [auth],
      ...(gzip ? {} : { acceptCompression: [] }),
    }),
  );
  const q = createPushQueue<StartExecStreamRequest>();
  const send = (msg: MessageInitShape<typeof StartExecStreamRequestSchema>["msg"]) =>
    q.push(create(StartExecStreamRequestSchema, { msg }));
  send({ case: "start", value: { deploymentId, args: [command], tty: true, size: { cols: 80, rows: 24 } } });
  let listener: (chunk: Buffer) => void = () => {};
  const ac = new AbortController();
  return new Promise((resolve, reject) => {
    (async () => {
      for await (const r of exec.startExecStream(q, { signal: ac.signal })) {
        if (r.msg.case === "started")
          resolve({
            send: (text) => send({ case: "stdin", value: Buffer.from(text) }),
            onData: (fn) => {
              listener = fn;
            },
            close: () => {
              q.end();
              ac.abort();
            },
          });
        else if (r.msg.case === "stdout" || r.msg.case === "stderr")
          listener(Buffer.from(r.msg.value.buffer, r.msg.value.byteOffset, r.msg.value.byteLength));
      }
    })().catch((e: unknown) => {
      if (!ac.signal.aborted) reject(e);
    });
  });
}
