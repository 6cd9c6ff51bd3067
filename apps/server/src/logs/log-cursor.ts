import { Code, ConnectError } from "@connectrpc/connect";

/** Where a reader stopped: the last seq it got per instance, and the time of the last line. */
export interface LogCursor {
  timeMs: number;
  seqs: Map<string, number>;
}

/** Encodes a cursor as an opaque string (base64url JSON; clients must not parse it). */
export function encodeLogCursor(cursor: LogCursor): string {
  const json = JSON.stringify({ v: 1, t: cursor.timeMs, s: Object.fromEntries(cursor.seqs) });
  return Buffer.from(json).toString("base64url");
}

/** Decodes a cursor from GetLogStreamRequest.cursor; InvalidArgument when it is not one of ours. */
export function decodeLogCursor(text: string): LogCursor {
  try {
    const raw = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as {
      v?: number;
      t?: number;
      s?: Record<string, number>;
    };
    if (raw.v !== 1 || typeof raw.t !== "number" || typeof raw.s !== "object" || raw.s === null) {
      throw new Error("unknown cursor layout");
    }
    const seqs = new Map<string, number>();
    for (const [k, v] of Object.entries(raw.s)) {
      if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new Error(`bad seq for ${k}`);
      seqs.set(k, v);
    }
    return { timeMs: raw.t, seqs };
  } catch (err) {
    throw new ConnectError(
      "cursor is not a cursor from GetLogStream: pass back the cursor field of a response unchanged",
      Code.InvalidArgument,
      undefined,
      undefined,
      err,
    );
  }
}
