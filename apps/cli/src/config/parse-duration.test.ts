import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expandTemplates, gitRefPretty } from "./git-functions.js";
import { parseDuration } from "./parse-duration.js";
import { locatePath, positionAt } from "./source-locator.js";

describe("parseDuration", () => {
  it("sums units", () => {
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("30d")).toBe(30 * 86_400_000);
    expect(parseDuration(2)).toBe(2000);
    expect(parseDuration("2 seconds")).toBeUndefined();
  });
  it("round-trips any whole number of milliseconds", () => {
    fc.assert(fc.property(fc.nat(10_000_000), (ms) => parseDuration(`${ms}ms`) === ms));
  });
});

describe("templates", () => {
  it("leaves strings without templates untouched", () => {
    const refs = { sha: "a".repeat(40), tag: "", dirty: false };
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes("${")),
        (s) => expandTemplates(s, refs) === s,
      ),
    );
  });
  it("prefers the tag and flags dirty trees", () => {
    expect(gitRefPretty({ sha: "b".repeat(40), tag: "v1.2.0", dirty: true })).toBe("v1.2.0-dirty");
  });
});

describe("source positions", () => {
  it("positionAt agrees with counting lines", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme-ascii" }).map((s) => s.replace(/\n/g, ""))),
        (lines) => {
          const text = lines.join("\n");
          const last = lines.length - 1;
          const offset = text.length;
          const at = positionAt(text, offset);
          return at.line === Math.max(1, lines.length) && at.col === (lines[last] ?? "").length + 1;
        },
      ),
    );
  });
  it("skips names inside comments", () => {
    const src = '# app "web"\napp "web" {\n  count = 1\n}';
    expect(locatePath(src, ["app", "web", "count"])).toEqual({ line: 3, col: 3 });
  });
});
