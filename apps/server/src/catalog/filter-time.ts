import { type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";

/**
 * A filter bound in epoch milliseconds, within what a 64-bit column and a JS number both hold. A Timestamp may carry
 * ±2^63 seconds: SQLite compares such a product as a float, PostgreSQL's BIGINT refuses it (an Internal error).
 */
export function filterMs(ts: Timestamp): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(-Number.MAX_SAFE_INTEGER, timestampMs(ts)));
}
