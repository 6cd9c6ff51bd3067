import { describe, expect, it } from "vitest";
import { createAuthFailureLimiter } from "./auth-failure-limiter.js";

describe("createAuthFailureLimiter", () => {
  it("locks an address out after maxFailures within the window, until the window closes", () => {
    let t = 1000;
    const limiter = createAuthFailureLimiter({ maxFailures: 3, windowMs: 100 }, () => t);
    limiter.fail("10.0.0.1");
    limiter.fail("10.0.0.1");
    expect(limiter.lockedFor("10.0.0.1")).toBe(0);
    t += 10;
    limiter.fail("10.0.0.1");
    expect(limiter.lockedFor("10.0.0.1")).toBe(90);
    expect(limiter.lockedFor("10.0.0.2")).toBe(0);
    t += 90;
    expect(limiter.lockedFor("10.0.0.1")).toBe(0);
    limiter.fail("10.0.0.1");
    expect(limiter.lockedFor("10.0.0.1")).toBe(0);
  });

  it("stays bounded when many addresses fail", () => {
    let t = 0;
    const limiter = createAuthFailureLimiter({ maxFailures: 1, windowMs: 10 }, () => t);
    for (let i = 0; i < 25_000; i++) {
      t = i;
      limiter.fail(`a${i}`);
    }
    expect(limiter.lockedFor("a24999")).toBeGreaterThan(0);
  });
});
