import { once } from "node:events";
import { createServer, type Socket, connect as tcpConnect } from "node:net";

export interface CuttingProxy {
  /** The address to give the CLI instead of the server's. */
  url: string;
  /** Resolves once a connection was cut (the server's answer withheld). */
  cut: Promise<void>;
  close(): Promise<void>;
}

const frameHeaderBytes = 9;
const headersFrame = 0x1;

/**
 * A TCP proxy in front of an HTTP/2 server that passes everything through, except that on the first
 * connection it drops both sides the moment the server starts answering a request (its first HEADERS frame
 * on a stream): the request reached the server and ran, but the client never hears how it ended. The
 * connections after that one pass untouched.
 */
export async function startCuttingProxy(serverUrl: string): Promise<CuttingProxy> {
  const target = new URL(serverUrl);
  let armed = true;
  let onCut: () => void = () => {};
  const cut = new Promise<void>((resolve) => {
    onCut = resolve;
  });
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const upstream = tcpConnect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.pipe(upstream);
    const cutThis = armed;
    armed = false;
    if (!cutThis) {
      upstream.pipe(client);
      return;
    }
    // Server → client: forward whole frames until the first response HEADERS, then pull the plug.
    let pending = Buffer.alloc(0);
    upstream.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      let forwardable = 0;
      while (pending.length - forwardable >= frameHeaderBytes) {
        const length = pending.readUIntBE(forwardable, 3);
        const type = pending[forwardable + 3];
        const streamId = pending.readUInt32BE(forwardable + 5) & 0x7fffffff;
        if (type === headersFrame && streamId !== 0) {
          if (forwardable > 0) client.write(pending.subarray(0, forwardable));
          client.destroy();
          upstream.destroy();
          onCut();
          return;
        }
        if (pending.length - forwardable < frameHeaderBytes + length) break;
        forwardable += frameHeaderBytes + length;
      }
      if (forwardable > 0) {
        client.write(pending.subarray(0, forwardable));
        pending = pending.subarray(forwardable);
      }
    });
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  const address = proxy.address();
  if (!address || typeof address === "string") throw new Error("proxy has no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
