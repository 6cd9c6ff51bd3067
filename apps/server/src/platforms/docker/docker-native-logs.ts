import type Docker from "dockerode";
import type { NativeLogLine, NativeLogOptions } from "../platform.js";
import { createFrameDecoder } from "./docker-frames.js";
import { createLogLineSplitter } from "./docker-log-lines.js";

/**
 * A container's log as the engine kept it (`GET /containers/:id/logs`, with timestamps): the newest
 * `tailLines`, then, when following, new lines until `signal` aborts or the container is removed. Without a TTY
 * (Berth's containers) stdout and stderr come multiplexed and are told apart; with one, everything is stdout.
 */
export async function* dockerNativeLogs(
  docker: Docker,
  containerId: string,
  options: NativeLogOptions,
): AsyncGenerator<NativeLogLine> {
  const { signal } = options;
  const container = docker.getContainer(containerId);
  const tty = (await container.inspect({ abortSignal: signal })).Config.Tty;
  const query = {
    stdout: true,
    stderr: true,
    timestamps: true,
    tail: options.tailLines,
    abortSignal: signal,
  } as const;
  const decoder = createFrameDecoder();
  const lines = createLogLineSplitter();
  const decode = (chunk: Uint8Array) =>
    tty
      ? lines.push("stdout", chunk)
      : decoder.push(chunk).flatMap((f) => (f.stream === "stdin" ? [] : lines.push(f.stream, f.data)));

  if (!options.follow) {
    yield* decode(await container.logs({ ...query, follow: false }));
    yield* lines.flush();
    return;
  }
  const stream = (await container.logs({ ...query, follow: true })) as NodeJS.ReadableStream & {
    destroy(): void;
  };
  try {
    for await (const chunk of stream) yield* decode(chunk as Buffer);
    yield* lines.flush();
  } catch (err) {
    // The reader went away: that ends a follow, it is not an error.
    if (!signal.aborted) throw err;
  } finally {
    stream.destroy();
  }
}
