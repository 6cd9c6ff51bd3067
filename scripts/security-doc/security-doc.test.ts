import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderPolicyTable } from "./render-policy-table.js";
import { generatedPart, spliceGenerated } from "./splice-generated.js";

const doc = readFileSync(new URL("../../docs/security.md", import.meta.url), "utf8");

describe("docs/security.md", () => {
  it("has the policy table the server enforces (else run npm run docs:security)", () => {
    expect(generatedPart(doc)).toBe(renderPolicyTable());
  });

  it("lists every RPC of the policy table once", () => {
    const rows = renderPolicyTable().split("\n").slice(2);
    expect(
      rows.some((r) =>
        r.startsWith("| `berth.v1.ExecService/StartExecStream` | — | — | ✓ | ✓ | — | — | — |"),
      ),
    ).toBe(true);
    expect(new Set(rows.map((r) => r.split(" | ")[0])).size).toBe(rows.length);
  });
});

describe("spliceGenerated", () => {
  it("replaces only what is between the markers, and refuses a document without them", () => {
    const before =
      "intro\n<!-- generated: policy table (npm run docs:security) -->\nold\n<!-- end of generated policy table -->\nrest\n";
    const after = spliceGenerated(before, "new");
    expect(after).toBe(
      "intro\n<!-- generated: policy table (npm run docs:security) -->\nnew\n<!-- end of generated policy table -->\nrest\n",
    );
    expect(generatedPart(after)).toBe("new");
    expect(() => spliceGenerated("no markers", "x")).toThrow("markers");
  });
});
