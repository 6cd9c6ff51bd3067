import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { filterMs } from "./filter-time.js";

const ts = (seconds: bigint, nanos = 0) => create(TimestampSchema, { seconds, nanos });

describe("filterMs", () => {
  it("keeps ordinary times and clamps times no 64-bit column holds", () => {
    expect(filterMs(ts(1_765_000_000n, 2_000_000))).toBe(1_765_000_000_002);
    expect(filterMs(ts(-9223372036854775808n))).toBe(-Number.MAX_SAFE_INTEGER);
    expect(filterMs(ts(9223372036854775807n, 999_999_999))).toBe(Number.MAX_SAFE_INTEGER);
  });
});
