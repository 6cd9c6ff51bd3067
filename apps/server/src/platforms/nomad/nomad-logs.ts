import { createPushQueue } from "@berth/streams";
import type { NativeLogLine, NativeLogOptions } from "../platform.js";
import type { NomadClient } from "./nomad-client.js";

/** Nomad keeps logs as bytes, not lines: the tail asks for this many bytes per wanted line. */
const bytesPerLine = 256;

/** One log stream of a task (GET /v1/client/fs/logs/:alloc, plain), as lines. */
async function* streamLines(
  client: NomadClient,
  allocId: string,
  task: string,
  type: "stdout" | "stderr",
  options: NativeLogOptions,
): AsyncGenerator<NativeLogLine> {
  const tailBytes = Math.min(options.tailLines * bytesPerLine, 1024 * 1024);
  const res = await client.open(`/v1/client/fs/logs/${encodeURIComponent(allocId)}`, {
    query: { task, type, origin: "end", offset: tailBytes, follow: options.follow, plain: true },
    signal: options.signal,
  });
  if (!res.body) return;
  const decoder = new TextDecoder();
  let pending = "";
  let first = true;
  let received = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      received += chunk.byteLength;
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      // A tail that filled its whole window most likely starts mid-line.
      if (first && received >= tailBytes && tailBytes > 0) lines.shift();
      first = false;
      for (const text of lines) yield { atMs: Date.now(), stream: type, text };
    }
  } catch (err) {
    if (!options.signal.aborted) throw err;
    return;
  }
  if (pending) yield { atMs: Date.now(), stream: type, text: pending };
}

/**
 * An allocation's task output through Nomad (the fallback when its entrypoint is not connected): stdout and
 * stderr side by side, the newest `tailLines` (by a byte window: Nomad counts bytes) and then, with `follow`,
 * new lines as they come until the signal aborts. Nomad keeps no timestamps: lines are stamped on arrival.
 */
export async function* nomadLogs(
  client: NomadClient,
  allocId: string,
  task: string,
  options: NativeLogOptions,
): AsyncGenerator<NativeLogLine> {
  const merged = createPushQueue<NativeLogLine | Error>();
  let open = 2;
  for (const type of ["stdout", "stderr"] as const) {
    void (async () => {
      try {
        for await (const line of streamLines(client, allocId, task, type, options)) merged.push(line);
      } catch (err) {
        merged.push(err as Error);
      } finally {
        if (--open === 0) merged.end();
      }
    })();
  }
  for await (const item of merged) {
    if (item instanceof Error) throw item;
    yield item;
  }
}
