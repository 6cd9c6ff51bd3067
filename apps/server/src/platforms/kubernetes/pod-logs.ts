import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import type { NativeLogLine, NativeLogOptions } from "../platform.js";
import { containerName } from "./deployment-manifest.js";
import { type KubeTarget, kubeError } from "./kube-client.js";

/** `2026-12-07T13:57:32.123456789Z text`: the kubelet's timestamped line. */
const stamped = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (.*)$/;

/** A pod log line with its timestamp taken off (the time the kubelet read it). */
export function parseLogLine(line: string): NativeLogLine {
  const m = stamped.exec(line);
  const atMs = m ? Date.parse(m[1]!) : Number.NaN;
  // The pod log API merges stdout and stderr; it cannot tell them apart.
  return { atMs: Number.isNaN(atMs) ? Date.now() : atMs, stream: "stdout", text: m ? m[2]! : line };
}

/**
 * A pod's log through the client's Log (GET .../pods/<name>/log with timestamps): the newest `tailLines`, then,
 * with `follow`, new lines until the signal aborts or the container ends.
 */
export async function* podLogs(
  target: KubeTarget,
  podName: string,
  options: NativeLogOptions,
): AsyncGenerator<NativeLogLine> {
  if (options.tailLines <= 0 && !options.follow) return;
  const { Log } = await import("@kubernetes/client-node");
  const out = new PassThrough();
  const request = await new Log(target.kc)
    .log(target.namespace, podName, containerName, out, {
      follow: options.follow,
      timestamps: true,
      // The client drops a tailLines of 0; "from now" is what it means when following.
      ...(options.tailLines > 0 ? { tailLines: options.tailLines } : { sinceTime: new Date().toISOString() }),
    })
    .catch((err: unknown) => {
      throw kubeError(err, target, `read the log of pod ${podName}`);
    });
  const abort = () => {
    request.abort();
    out.end();
  };
  options.signal.addEventListener("abort", abort, { once: true });
  try {
    for await (const line of createInterface({ input: out, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (options.signal.aborted) return;
      yield parseLogLine(line);
    }
  } finally {
    options.signal.removeEventListener("abort", abort);
    request.abort();
  }
}
