import { describe, expect, it } from "vitest";
import { logGapNotices } from "./log-gap-notices.js";

describe("logGapNotices", () => {
  it("says nothing when no line is missing", () => {
    expect(logGapNotices({ skipped: 0n, dropped: 0n })).toEqual([]);
  });

  it("tells lines lost at the instance apart from lines the server no longer has", () => {
    expect(logGapNotices({ skipped: 15_000n, dropped: 1n })).toEqual([
      "… 1 line lost here: the instance's log buffer overflowed while the server was unreachable",
      "… 15,000 lines not available here: past the server's log retention, or this reader fell behind",
    ]);
  });
});
