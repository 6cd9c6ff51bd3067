// Filtering and paging of history listings (builds, deployments, releases): newest first, by seq.

import type { HistoryFilter } from "@berth/proto";
import { filterMs } from "../catalog/filter-time.js";
import { cutPage, decodeSeqPageToken, pageSizeOf } from "../catalog/page-token.js";

/** A history listing's filter in store terms. */
export interface HistoryQuery {
  /** Lower-case hex prefix of the commit SHA. */
  shaPrefix?: string;
  branch?: string;
  /** Substring of the commit message (case-insensitive for ASCII). */
  text?: string;
  /** created_at >= sinceMs */
  sinceMs?: number;
  /** created_at <= untilMs */
  untilMs?: number;
  /** Store status names; empty means any. */
  statuses?: string[];
  /** Only seqs below this one (the cursor of the previous page). */
  beforeSeq?: number;
  pageSize: number;
}

/** One page of rows and the token of the next page ("" on the last page). */
export interface HistoryPage<Row> {
  rows: Row[];
  nextPageToken: string;
}

/**
 * The half-open index range [lo, hi) holding every SHA that starts with `prefix`: SHAs are lower-case hex, and
 * "g" sorts after every hex digit, so `prefix + "g"` bounds the range without a LIKE (which SQLite cannot seek).
 */
export function shaPrefixRange(prefix: string): [string, string] {
  const p = prefix.toLowerCase();
  return [p, `${p}g`];
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped (ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The request fields of a history listing as a HistoryQuery; validates the page token. */
export function historyQueryFrom(
  kind: string,
  req: { filter?: HistoryFilter; pageSize: number; pageToken: string },
  statuses: string[] = [],
): HistoryQuery {
  const f = req.filter;
  return {
    shaPrefix: f?.shaPrefix || undefined,
    branch: f?.branch || undefined,
    text: f?.text || undefined,
    sinceMs: f?.since ? filterMs(f.since) : undefined,
    untilMs: f?.until ? filterMs(f.until) : undefined,
    statuses: statuses.filter((s) => s !== ""),
    beforeSeq: decodeSeqPageToken(kind, req.pageToken),
    pageSize: pageSizeOf(req.pageSize),
  };
}

/** Cuts a fetched batch of pageSize + 1 rows into a page and the next token. */
export function toHistoryPage<Row extends { seq: number }>(
  kind: string,
  fetched: Row[],
  pageSize: number,
): HistoryPage<Row> {
  return cutPage(kind, fetched, pageSize, (row) => row.seq);
}
