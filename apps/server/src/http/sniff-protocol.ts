import type { Socket } from "node:net";

// Every HTTP/2 cleartext connection opens with "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"; no HTTP/1.1 method starts with "PRI".
const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/**
 * Reads a paused socket's first bytes, puts them back (`unshift`), and tells whether the client speaks
 * HTTP/2 with prior knowledge (gRPC) or HTTP/1.x (Connect, gRPC-Web, /metrics).
 */
export function sniffProtocol(socket: Socket): Promise<"h2" | "http1"> {
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const done = (result: "h2" | "http1" | Error) => {
      socket.off("readable", onReadable);
      socket.off("end", onEnd);
      socket.off("error", onError);
      if (result instanceof Error) return reject(result);
      if (seen.length > 0) socket.unshift(seen);
      resolve(result);
    };
    const onReadable = () => {
      for (let chunk = socket.read(); chunk !== null; chunk = socket.read()) {
        seen = Buffer.concat([seen, chunk as Buffer]);
      }
      const n = Math.min(seen.length, preface.length);
      if (!seen.subarray(0, n).equals(preface.subarray(0, n))) return done("http1");
      if (n === preface.length) return done("h2");
      // A prefix of the preface so far: wait for more bytes.
    };
    const onEnd = () => done(new Error("connection closed before its first request"));
    const onError = (e: Error) => done(e);
    socket.on("readable", onReadable);
    socket.once("end", onEnd);
    socket.once("error", onError);
  });
}
