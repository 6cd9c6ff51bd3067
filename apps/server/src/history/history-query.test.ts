import { HistoryFilterSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodePageToken } from "../catalog/page-token.js";
import { containsPattern, historyQueryFrom, shaPrefixRange, toHistoryPage } from "./history-query.js";

describe("shaPrefixRange", () => {
  it("contains exactly the SHAs that start with the prefix", () => {
    const hex = fc.stringMatching(/^[0-9a-f]{40}$/);
    fc.assert(
      fc.property(hex, fc.integer({ min: 4, max: 40 }), hex, (sha, len, other) => {
        const [lo, hi] = shaPrefixRange(sha.slice(0, len));
        expect(sha >= lo && sha < hi).toBe(true);
        expect(other >= lo && other < hi).toBe(other.startsWith(sha.slice(0, len)));
      }),
    );
  });
});

describe("containsPattern", () => {
  it("escapes LIKE wildcards", () => {
    expect(containsPattern("50%_off\\")).toBe("%50\\%\\_off\\\\%");
  });
});

describe("historyQueryFrom", () => {
  it("maps the filter, statuses, cursor and page size", () => {
    const q = historyQueryFrom(
      "deployments",
      {
        filter: create(HistoryFilterSchema, {
          shaPrefix: "abcd",
          branch: "main",
          since: timestampFromMs(1000),
          until: timestampFromMs(2000),
        }),
        pageSize: 0,
        pageToken: encodePageToken("deployments", 42),
      },
      ["healthy", ""],
    );
    expect(q).toEqual({
      shaPrefix: "abcd",
      branch: "main",
      text: undefined,
      sinceMs: 1000,
      untilMs: 2000,
      statuses: ["healthy"],
      beforeSeq: 42,
      pageSize: 50,
    });
  });
});

describe("toHistoryPage", () => {
  it("returns a next token only when more rows were fetched than fit", () => {
    const rows = [{ seq: 5 }, { seq: 4 }, { seq: 3 }];
    expect(toHistoryPage("builds", rows, 3)).toEqual({ rows, nextPageToken: "" });
    const page = toHistoryPage("builds", rows, 2);
    expect(page.rows).toEqual([{ seq: 5 }, { seq: 4 }]);
    expect(page.nextPageToken).toBe(encodePageToken("builds", 4));
  });
});
