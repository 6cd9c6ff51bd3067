import { Code, ConnectError } from "@connectrpc/connect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cutPage, decodePageToken, decodeSeqPageToken, encodePageToken, pageSizeOf } from "./page-token.js";

function codeOf(fn: () => unknown): Code | undefined {
  try {
    fn();
  } catch (e) {
    return ConnectError.from(e).code;
  }
  return undefined;
}

describe("page tokens", () => {
  it("round-trips any seq", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (seq) => {
        expect(decodeSeqPageToken("deployments", encodePageToken("deployments", seq))).toBe(seq);
      }),
    );
  });

  it("treats an empty token as the first page", () => {
    expect(decodeSeqPageToken("builds", "")).toBeUndefined();
  });

  it("rejects garbled tokens with InvalidArgument naming page_token", () => {
    for (const token of [
      "!!",
      "abc",
      encodePageToken("deployments", "x1"),
      encodePageToken("deployments", -3),
    ]) {
      expect(codeOf(() => decodeSeqPageToken("deployments", token))).toBe(Code.InvalidArgument);
    }
    expect(() => decodeSeqPageToken("builds", "%%%")).toThrow(/page_token/);
  });

  it("rejects a token from another listing", () => {
    const token = encodePageToken("builds", 5);
    expect(codeOf(() => decodePageToken("releases", token))).toBe(Code.InvalidArgument);
  });

  it("defaults the page size to 50 and clamps at 1000", () => {
    expect(pageSizeOf(0)).toBe(50);
    expect(pageSizeOf(7)).toBe(7);
    expect(pageSizeOf(10 ** 9)).toBe(1000);
  });
});

describe("cutPage", () => {
  it("drops the look-ahead row and makes the next token from the last row kept", () => {
    const rows = [{ id: "c" }, { id: "b" }, { id: "a" }];
    const page = cutPage("jobs", rows, 2, (r) => r.id);
    expect(page.rows).toEqual([{ id: "c" }, { id: "b" }]);
    expect(decodePageToken("jobs", page.nextPageToken)).toBe("b");
    expect(cutPage("jobs", rows, 3, (r) => r.id)).toEqual({ rows, nextPageToken: "" });
  });
});
