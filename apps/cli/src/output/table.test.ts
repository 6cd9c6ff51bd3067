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
