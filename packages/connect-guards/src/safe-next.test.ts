import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next.js";

describe("safeNext", () => {
  it("keeps paths on this site, query and hash included", () => {
    expect(safeNext("/p/shop")).toBe("/p/shop");
    expect(safeNext("/p/shop/a/web/logs?instance=a#end")).toBe("/p/shop/a/web/logs?instance=a#end");
    expect(safeNext("/p/my%20app")).toBe("/p/my%20app");
  });

  it.each([
    null,
    "",
    "p/shop",
    "https://evil.example",
    "javascript:alert(1)",
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/%2Fevil.example",
    "/%2fevil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%252Fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%00",
    "/%E0%A4%A",
    "/ok\u007f",
  ])("refuses %j", (attack) => {
    expect(safeNext(attack)).toBe("/");
  });
});
