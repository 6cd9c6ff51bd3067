import { describe, expect, it } from "vitest";
import { parseInstant } from "./parse-instant.js";

describe("parseInstant", () => {
  const now = Date.UTC(2026, 11, 7, 15, 0);
  it("reads local date-times, ISO times with a zone, now and ages", () => {
    expect(parseInstant("2026-12-07 14:02", now)).toBe(new Date(2026, 11, 7, 14, 2).getTime());
    expect(parseInstant("2026-12-07T14:02:00Z", now)).toBe(Date.UTC(2026, 11, 7, 14, 2));
    expect(parseInstant("now", now)).toBe(now);
    expect(parseInstant("15m", now)).toBe(now - 15 * 60_000);
    expect(parseInstant("2h ago", now)).toBe(now - 2 * 3_600_000);
  });
  it("names the flag and the accepted forms for anything else", () => {
    expect(() => parseInstant("yesterday-ish", now)).toThrow(
      /--at: "yesterday-ish" is not a time; use "YYYY-MM-DD HH:MM"/,
    );
    expect(() => parseInstant("2026-13-07 14:02", now)).toThrow(/--at/);
  });
});
