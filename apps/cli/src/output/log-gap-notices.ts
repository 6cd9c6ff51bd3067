/**
 * What a GetLogStream message says about lines a reader will not see, as sentences for a person (printed just
 * before that message's lines, where the gap is).
 */
export function logGapNotices(res: { skipped: bigint; dropped: bigint }): string[] {
  const lines = (n: bigint) => `${n.toLocaleString("en-US")} line${n === 1n ? "" : "s"}`;
  const out: string[] = [];
  if (res.dropped > 0n) {
    out.push(
      `… ${lines(res.dropped)} lost here: the instance's log buffer overflowed while the server was unreachable`,
    );
  }
  if (res.skipped > 0n) {
    out.push(
      `… ${lines(res.skipped)} not available here: past the server's log retention, or this reader fell behind`,
    );
  }
  return out;
}
