import { describe, expect, it } from "vitest";
import { challengeOf, createCliGrants } from "./cli-grants.js";

describe("createCliGrants", () => {
  const verifier = "v".repeat(43);

  it("hands the token over once, to the holder of the verifier", () => {
    const grants = createCliGrants();
    const code = grants.issue(challengeOf(verifier), "berth_secret");
    expect(grants.redeem(code, verifier)).toBe("berth_secret");
    expect(grants.redeem(code, verifier)).toBeUndefined();
  });

  it("burns a code on a wrong verifier", () => {
    const grants = createCliGrants();
    const code = grants.issue(challengeOf(verifier), "berth_secret");
    expect(grants.redeem(code, "w".repeat(43))).toBeUndefined();
    expect(grants.redeem(code, verifier)).toBeUndefined();
  });

  it("forgets a code after its lifetime", () => {
    let clock = 0;
    const grants = createCliGrants({ ttlMs: 1_000, now: () => clock });
    const code = grants.issue(challengeOf(verifier), "berth_secret");
    clock = 1_000;
    expect(grants.redeem(code, verifier)).toBeUndefined();
  });

  it("matches RFC 7636's S256 example", () => {
    expect(challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });
});
