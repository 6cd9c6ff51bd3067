import { describe, expect, it } from "vitest";
import { type RetentionCandidate, retentionOf, retentionVictims } from "./retention.js";

const dep = (seq: number, status = "healthy", pinned = false): RetentionCandidate => ({
  id: `d${seq}`,
  seq,
  status,
  pinned,
});

describe("retentionOf", () => {
  it("reads keep_unreleased from the app's config and ignores what is not a whole number", () => {
    expect(retentionOf(JSON.stringify({ retention: { keepUnreleased: 3 } }))).toEqual({ keepUnreleased: 3 });
    expect(retentionOf(JSON.stringify({ retention: { keepUnreleased: 0 } }))).toEqual({ keepUnreleased: 0 });
    expect(retentionOf(JSON.stringify({ deploy: {} }))).toBeUndefined();
    expect(retentionOf(JSON.stringify({ retention: { keepUnreleased: -1 } }))).toBeUndefined();
    expect(retentionOf(JSON.stringify({ retention: { keepUnreleased: "3" } }))).toBeUndefined();
    expect(retentionOf("{not json")).toBeUndefined();
    expect(retentionOf("")).toBeUndefined();
  });
});

describe("retentionVictims", () => {
  it("keeps the newest N unreleased, never the released, pinned, deploying or already ended ones", () => {
    const all = [
      dep(1),
      dep(2, "healthy", true),
      dep(3, "destroyed"),
      dep(4, "failed"),
      dep(5, "unhealthy"),
      dep(6),
      dep(7),
      dep(8),
      dep(9, "deploying"),
    ];
    const released = new Set(["d7"]);
    expect(retentionVictims(all, released, 2).map((d) => d.seq)).toEqual([5, 1]);
    expect(retentionVictims(all, released, 0).map((d) => d.seq)).toEqual([8, 6, 5, 1]);
    expect(retentionVictims(all, released, 10)).toEqual([]);
  });

  it("spares every target of a canary", () => {
    const all = [dep(1), dep(2), dep(3)];
    expect(retentionVictims(all, new Set(["d1", "d2"]), 0).map((d) => d.seq)).toEqual([3]);
  });
});
