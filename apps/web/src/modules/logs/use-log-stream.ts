import { LogService } from "@berth/proto";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { useTransport } from "@connectrpc/connect-query";
import { useEffect, useRef, useState } from "react";
import { isPermanentError } from "../events/is-permanent-error.js";
import { backoffMs } from "../events/use-event-stream.js";
import { defaultLogCap, type LogEntry, mergeLogLines, toLogEntry } from "./log-buffer.js";

export interface LogStreamOptions {
  deploymentId: string;
  instanceId?: string | undefined;
  tailLines?: number;
  sinceMs?: number | undefined;
  untilMs?: number | undefined;
  cap?: number;
  /** Changing it restarts the stream (a "Retry" after a permanent error). */
  retry?: number;
}

export interface LogStreamState {
  /** The held lines, oldest first. The array is mutated in place; `version` changes when it does. */
  lines: LogEntry[];
  version: number;
  status: "connecting" | "backfilling" | "live" | "reconnecting" | "ended" | "failed";
  /** Stored lines the server said this reader cannot have (it fell behind, or they were trimmed). */
  skipped: number;
  /** Lines the instances' entrypoints dropped (buffer full while the server was unreachable): never stored. */
  lostAtSource: number;
  /** Lines dropped here to stay under the cap. */
  dropped: number;
  reconnects: number;
  error?: unknown;
}

/**
 * Backfills then follows GetLogStream; on a broken stream it reconnects with the last cursor, so nothing is
 * duplicated or lost (beyond what the server reports as skipped). Updates are batched to one render per frame.
 */
export function useLogStream(options: LogStreamOptions | undefined): LogStreamState {
  const transport = useTransport();
  const [state, setState] = useState<LogStreamState>(() => empty());
  const key = options
    ? [
        options.deploymentId,
        options.instanceId,
        options.tailLines,
        options.sinceMs,
        options.untilMs,
        options.cap,
        options.retry,
      ].join("|")
    : "";
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    const opts = optionsRef.current;
    if (!opts || !key) return;
    const abort = new AbortController();
    const client = createClient(LogService, transport);
    const lines: LogEntry[] = [];
    const seen = new Set<string>();
    const cap = opts.cap ?? defaultLogCap;
    let status: LogStreamState["status"] = "connecting";
    let skipped = 0;
    let lostAtSource = 0;
    let dropped = 0;
    let reconnects = 0;
    let error: unknown;
    let version = 0;
    let frame = 0;
    const flush = () => {
      frame = 0;
      setState({ lines, version: ++version, status, skipped, lostAtSource, dropped, reconnects, error });
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(flush);
    };
    setState(empty());
    const follow = opts.untilMs === undefined;
    const run = async () => {
      let cursor = "";
      for (let attempt = 0; !abort.signal.aborted; ) {
        try {
          status = cursor ? "live" : "backfilling";
          schedule();
          const req = {
            deploymentId: opts.deploymentId,
            instanceId: opts.instanceId ?? "",
            tailLines: cursor ? 0 : (opts.tailLines ?? 1000),
            follow,
            cursor,
            ...(opts.sinceMs !== undefined && !cursor ? { since: ts(opts.sinceMs) } : {}),
            ...(opts.untilMs !== undefined ? { until: ts(opts.untilMs) } : {}),
          };
          for await (const res of client.getLogStream(req, { signal: abort.signal })) {
            attempt = 0;
            error = undefined;
            if (res.cursor) cursor = res.cursor;
            skipped += Number(res.skipped);
            lostAtSource += Number(res.dropped);
            if (res.lines.length) dropped += mergeLogLines(lines, res.lines.map(toLogEntry), seen, cap);
            if (res.backfillDone) status = follow ? "live" : "ended";
            schedule();
          }
          if (!follow) {
            status = "ended";
            schedule();
            return;
          }
          // A follow stream that ends cleanly was closed by a proxy or a restart: resume.
        } catch (err) {
          if (abort.signal.aborted) return;
          error = err;
          if (isPermanentError(err)) {
            status = "failed";
            schedule();
            return;
          }
        }
        status = "reconnecting";
        reconnects++;
        schedule();
        await new Promise((r) => setTimeout(r, backoffMs(attempt++)));
      }
    };
    void run();
    return () => {
      abort.abort();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [key, transport]);
  return state;
}

function empty(): LogStreamState {
  return {
    lines: [],
    version: 0,
    status: "connecting",
    skipped: 0,
    lostAtSource: 0,
    dropped: 0,
    reconnects: 0,
  };
}

function ts(ms: number): Timestamp {
  return timestampFromMs(ms);
}
