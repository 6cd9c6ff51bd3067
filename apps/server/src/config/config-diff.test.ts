import { describe, expect, it } from "vitest";
import { applyVarChanges, diffVars, overlayVars, varsByName } from "./config-diff.js";

describe("config diff", () => {
  it("reports added, changed and removed variables by name", () => {
    const before = varsByName(
      [
        { name: "A", value: "1", secret: false },
        { name: "B", value: "2", secret: false },
        { name: "C", value: "3", secret: false },
      ],
      "project",
    );
    const after = varsByName(
      [
        { name: "A", value: "1", secret: false },
        { name: "B", value: "20", secret: false },
        { name: "D", value: "4", secret: false },
      ],
      "project",
    );
    expect(diffVars(before, after)).toEqual([
      { name: "B", scope: "project", change: "changed", secret: false, oldValue: "2", newValue: "20" },
      { name: "C", scope: "project", change: "removed", secret: false, oldValue: "3", newValue: "" },
      { name: "D", scope: "project", change: "added", secret: false, oldValue: "", newValue: "4" },
    ]);
  });

  it("never carries secret values, even when a variable stops being secret", () => {
    const before = varsByName([{ name: "TOKEN", value: "s3cret", secret: true }], "app");
    const after = varsByName([{ name: "TOKEN", value: "plain", secret: false }], "app");
    const [change] = diffVars(before, after);
    expect(change).toMatchObject({ change: "changed", secret: true, oldValue: "", newValue: "" });
  });

  it("overlays app variables over project variables", () => {
    const eff = overlayVars(
      [
        { name: "LOG", value: "info", secret: false },
        { name: "DB", value: "p", secret: false },
      ],
      [{ name: "DB", value: "a", secret: true }],
    );
    expect([...eff.values()]).toEqual([
      { name: "LOG", value: "info", secret: false, scope: "project" },
      { name: "DB", value: "a", secret: true, scope: "app" },
    ]);
  });

  it("applies sets after unsets and sorts by name", () => {
    const next = applyVarChanges(
      [
        { name: "B", value: "1", secret: false },
        { name: "A", value: "1", secret: false },
      ],
      [{ name: "C", value: "3", secret: false }],
      ["B"],
    );
    expect(next.map((v) => v.name)).toEqual(["A", "C"]);
  });
});
