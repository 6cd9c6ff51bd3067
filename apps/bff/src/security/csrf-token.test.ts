import { describe, expect, it } from "vitest";
import { csrfTokenMatches, newCsrfToken } from "./csrf-token.js";

describe("csrf tokens", () => {
  it("are long, URL-safe and unique", () => {
    const a = newCsrfToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newCsrfToken()).not.toBe(a);
  });

  it("match only the exact value", () => {
    const token = newCsrfToken();
    expect(csrfTokenMatches(token, token)).toBe(true);
    expect(csrfTokenMatches(`${token}x`, token)).toBe(false);
    expect(csrfTokenMatches("", token)).toBe(false);
    expect(csrfTokenMatches(undefined, token)).toBe(false);
    expect(csrfTokenMatches([token, token], token)).toBe(false);
  });
});
