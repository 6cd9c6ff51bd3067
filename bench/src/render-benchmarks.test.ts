import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type BenchResults, renderBenchmarks } from "./render-benchmarks.js";

const machine = { cpus: 2, model: "Test CPU", memGiB: 24, node: "v20", loadAvg1m: 1 };

describe("renderBenchmarks", () => {
  it("renders every section, saying which were not measured and why", () => {
    const md = renderBenchmarks({
      date: "2026-11-23T14:00:00.000Z",
      quick: true,
      totalSeconds: 75,
      machine,
      figures: {},
      errors: { router: "Error: wrk exited with 1\n    at stack" },
    });
    for (const n of [1, 2, 3, 4, 5, 6, 7]) expect(md).toMatch(new RegExp(`^## ${n}\\. `, "m"));
    expect(md).toContain("1 min 15 s in total");
    expect(md).toContain("quick smoke run");
    expect(md).toContain("Not measured in this run: `Error: wrk exited with 1`");
    expect(md).not.toContain("at stack");
  });

  it("renders the committed results without placeholders leaking", () => {
    const results = JSON.parse(
      readFileSync(new URL("../results/benchmarks.json", import.meta.url), "utf8"),
    ) as BenchResults;
    const md = renderBenchmarks(results);
    expect(md).not.toMatch(/\$\{|\$[a-z]+\(|undefined|NaN/);
    expect(md).toContain("## Summary");
  });
});
