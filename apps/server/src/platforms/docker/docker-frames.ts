/** One frame of Docker's multiplexed stream (logs and exec without a TTY). */
export interface DockerFrame {
  stream: "stdin" | "stdout" | "stderr";
  data: Uint8Array;
}

const headerBytes = 8;
const streams = ["stdin", "stdout", "stderr"] as const;

/**
 * Splits Docker's multiplexed output into frames. Each frame is an 8-byte header — the stream (0 stdin, 1 stdout,
 * 2 stderr), three zero bytes, the payload size as a big-endian uint32 — then the payload. Chunks from the socket
 * cut through headers and payloads anywhere, so a partial frame is kept until the rest arrives.
 */
export function createFrameDecoder(): { push(chunk: Uint8Array): DockerFrame[]; readonly pending: number } {
  let buffered = Buffer.alloc(0);
  return {
    push(chunk) {
      buffered = buffered.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffered, chunk]);
      const frames: DockerFrame[] = [];
      let at = 0;
      while (buffered.length - at >= headerBytes) {
        const kind = buffered[at]!;
        const stream = streams[kind];
        if (!stream || buffered[at + 1] !== 0 || buffered[at + 2] !== 0 || buffered[at + 3] !== 0)
          throw new Error(
            `not a Docker stream frame header at byte ${at}: ${buffered.subarray(at, at + headerBytes).toString("hex")}`,
          );
        const size = buffered.readUInt32BE(at + 4);
        if (buffered.length - at - headerBytes < size) break;
        frames.push({ stream, data: buffered.subarray(at + headerBytes, at + headerBytes + size) });
        at += headerBytes + size;
      }
      buffered = buffered.subarray(at);
      return frames;
    },
    get pending() {
      return buffered.length;
    },
  };
}
