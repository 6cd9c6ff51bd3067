import { describe, expect, it } from "vitest";
import { grantableRoles, tokenState } from "./token-lifetimes.js";

describe("grantableRoles", () => {
  it("offers the person's own role and the ones below it", () => {
    expect(grantableRoles("viewer")).toEqual(["viewer"]);
    expect(grantableRoles("deployer")).toEqual(["viewer", "deployer"]);
    expect(grantableRoles("admin")).toEqual(["viewer", "deployer", "admin"]);
    expect(grantableRoles(undefined)).toEqual([]);
  });
});

describe("tokenState", () => {
  it("reads revoked before expired before live", () => {
    expect(tokenState({ revokedMs: 5, expiresMs: 1 }, 10)).toBe("revoked");
    expect(tokenState({ expiresMs: 10 }, 10)).toBe("expired");
    expect(tokenState({ expiresMs: 11 }, 10)).toBe("live");
    expect(tokenState({}, 10)).toBe("live");
  });
});
