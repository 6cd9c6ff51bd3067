import { type GetLogStreamResponse, GetLogStreamResponseSchema, LogLineSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ReadLogsChunk } from "./read-logs.js";

/** A chunk of readLogs as a GetLogStream response. */
export function toLogStreamResponse(chunk: ReadLogsChunk): GetLogStreamResponse {
  return create(GetLogStreamResponseSchema, {
    lines: chunk.lines.map((l) =>
      create(LogLineSchema, {
        instanceId: l.instanceId,
        stream: l.stream,
        timestamp: timestampFromMs(l.timeMs),
        data: l.data,
        seq: BigInt(l.seq),
      }),
    ),
    skipped: BigInt(chunk.skipped),
    dropped: BigInt(chunk.dropped),
    cursor: chunk.cursor,
    backfillDone: chunk.backfillDone,
  });
}
