import { describe, expect, it } from "vitest";
import { relativeTime } from "./relative-time.js";

describe("relativeTime", () => {
  const now = 1_700_000_000_000;
  it("says how long ago in the largest whole unit", () => {
    expect(relativeTime(now - 2_000, now)).toBe("just now");
    expect(relativeTime(now - 42_000, now)).toBe("42s ago");
    expect(relativeTime(now - 3 * 60_000 - 10_000, now)).toBe("3m ago");
    expect(relativeTime(now - 5 * 3_600_000, now)).toBe("5h ago");
    expect(relativeTime(now - 3 * 86_400_000, now)).toBe("3d ago");
    expect(relativeTime(now - 400 * 86_400_000, now)).toBe("1y ago");
  });

  it("handles the future and missing times", () => {
    expect(relativeTime(now + 120_000, now)).toBe("in 2m");
    expect(relativeTime(undefined, now)).toBe("");
  });
});
