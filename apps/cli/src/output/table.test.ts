import { describe, expect, it } from "vitest";
import { renderTable, truncate } from "./table.js";

describe("renderTable", () => {
  it("aligns columns by their widest cell, ignoring colour codes", () => {
    const out = renderTable(
      ["NAME", "STATUS", "AGE"],
      [
        ["web", "\u001b[32mhealthy\u001b[39m", "3m ago"],
        ["api-server", "failed", ""],
      ],
    );
    expect(out.split("\n")).toEqual([
      "NAME        STATUS   AGE",
      "web         \u001b[32mhealthy\u001b[39m  3m ago",
      "api-server  failed",
    ]);
  });
});

describe("truncate", () => {
  it("keeps the first line and cuts long text with an ellipsis", () => {
    expect(truncate("fix: cart\n\nlong body", 20)).toBe("fix: cart");
    expect(truncate("abcdefghij", 5)).toBe("abcd…");
  });
});

describe("renderTable with stored text", () => {
  it("keeps colours but drops links, cursor moves and line breaks from cells", () => {
    const evil = "\u001b]8;;https://evil.example/\u0007fix\u001b]8;;\u0007\u001b[1A\nmore";
    const out = renderTable(["MESSAGE", "AGE"], [[evil, "1m"]]);
    expect(out.split("\n")[1]).toBe("fix more  1m");
  });
});
