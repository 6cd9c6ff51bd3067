import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { sniffProtocol } from "./sniff-protocol.js";

const sniffTimeoutMs = 30_000;

export type RequestHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

export interface ListenApiOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  handler: RequestHandler;
}

export interface ApiListener {
  /** The port actually bound. */
  port: number;
  /** Stops accepting, lets in-flight requests finish for up to graceMs, then drops what is left. */
  close(graceMs?: number): Promise<void>;
}

// Receive windows for what clients stream in (terminal output and logs from entrypoints). With HTTP/2's 64 KiB
// defaults a stream moves at most 64 KiB per round trip, which capped terminal output well below the PTY's rate.
const streamWindowBytes = 1 << 20;
const connectionWindowBytes = 8 << 20;
// Request headers carry a method path, a token and a few gRPC fields: 16 KiB and 64 pairs are plenty.
const maxHeaderBytes = 16 * 1024;
const maxHeaderPairs = 64;
const maxStreamsPerConnection = 1000;

/**
 * Listens on one port for both gRPC over HTTP/2 cleartext and Connect/gRPC-Web over HTTP/1.1: Node's
 * h2c server has no HTTP/1.1 fallback, so a plain TCP server sniffs each connection's first bytes and
 * hands the socket to an http2 or an http server.
 */
export async function listenApi(options: ListenApiOptions): Promise<ApiListener> {
  const h1 = http.createServer({ maxHeaderSize: maxHeaderBytes }, options.handler);
  const h2 = http2.createServer(
    {
      settings: {
        initialWindowSize: streamWindowBytes,
        // Node allows 2^32-1 streams per connection by default; one BFF or CLI needs hundreds at most.
        maxConcurrentStreams: maxStreamsPerConnection,
        maxHeaderListSize: maxHeaderBytes,
      },
      maxHeaderListPairs: maxHeaderPairs,
    },
    options.handler,
  );
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    session.setLocalWindowSize(connectionWindowBytes);
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  // Connections that have not sent their first bytes yet: dropped at once on close, and after
  // sniffTimeoutMs of silence.
  const sniffing = new Set<net.Socket>();
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    sniffing.add(socket);
    const silent = setTimeout(() => socket.destroy(), sniffTimeoutMs);
    socket.once("close", () => {
      clearTimeout(silent);
      sockets.delete(socket);
      sniffing.delete(socket);
    });
    // Until the http/http2 server takes over, a reset connection must not become an uncaught error.
    socket.on("error", () => socket.destroy());
    sniffProtocol(socket).then(
      (protocol) => {
        clearTimeout(silent);
        sniffing.delete(socket);
        (protocol === "h2" ? h2 : h1).emit("connection", socket);
      },
      () => {
        clearTimeout(silent);
        socket.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException) => {
      const why = e.code === "EADDRINUSE" ? "the port is already in use" : e.message;
      reject(new Error(`cannot listen on ${options.host}:${options.port}: ${why}`, { cause: e }));
    };
    server.once("error", fail);
    server.listen(options.port, options.host, () => {
      server.off("error", fail);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  return {
    port: address.port,
    async close(graceMs = 5000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sniffing) socket.destroy();
      for (const session of sessions) session.close();
      const deadline = Date.now() + graceMs;
      while (sockets.size > 0 && Date.now() < deadline) {
        h1.closeIdleConnections();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
