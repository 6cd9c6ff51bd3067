import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type BenchResults, renderBenchmarks, runsLabel } from "./render-benchmarks.js";

const machine = { cpus: 2, model: "Test CPU", memGiB: 24, node: "v20", loadAvg1m: 1 };
const stamp = { date: "2026-11-23T14:00:00.000Z", machine, seconds: 10 };
const up = (build: number) => ({
  totalMs: 1000,
  phasesMs: { build, deploy: 500, release: 10 },
  buildStepsMs: {},
  deployStepsMs: {},
  artifactBytes: 2048,
});

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
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) expect(md).toMatch(new RegExp(`^## ${n}\\. `, "m"));
    expect(md).toContain("1 min 15 s in total");
    expect(md).toContain("quick smoke run");
    expect(md).toContain("Not measured in this run: `Error: wrk exited with 1`");
    expect(md).not.toContain("at stack");
  });

  it("calls a figure a median only over 5 runs or more, and says 'one run' for one", () => {
    expect(runsLabel(5)).toBe("median of 5 runs");
    expect(runsLabel(1)).toBe("one run");
    expect(runsLabel(3)).not.toContain("median");
    const samples = (n: number) => ({ median: 40, samples: Array.from({ length: n }, () => 40) });
    const md = renderBenchmarks({
      date: stamp.date,
      quick: false,
      totalSeconds: 300,
      machine,
      figures: {
        deploySpeed: {
          ...stamp,
          method: "m",
          cold: up(300),
          warm: { ...up(150), runs: 5 },
          express: { cold: up(900), warm: { ...up(400), runs: 5 }, vendoredPackages: 70 },
          releaseMs: samples(5),
          rollbackMs: samples(5),
          releaseViaBffMs: samples(1),
          rollbackViaBffMs: samples(5),
          cliStart: {
            versionMs: { median: 250, samples: [250, 250, 250, 250, 250] },
            nodeBaselineMs: samples(5),
          },
          entrypoint: {
            runs: 5,
            perRun: 2,
            samples: 10,
            rssMb: { median: 42.5, max: 44 },
            startCpuMs: { median: 280, max: 310 },
          },
          reference: {
            dockerBuildpack: { seconds: 55.5, mb: 1075 },
            pkgBinary: { seconds: 4.67, mb: 46 },
            source: "a talk",
          },
        },
      },
      errors: {},
    });
    expect(md).toContain("hello-node, warm (median of 5 runs)");
    expect(md).toContain("Express app, warm (median of 5 runs)");
    expect(md).toContain("hello-node, cold (one run)");
    expect(md).toContain("release 40.0 ms (one run: 40.0 ms)");
    // The talk's figures are cited with their source, never presented as this run's.
    expect(md).toContain("source: a talk");
    expect(md).not.toMatch(/same run\)/);
    expect(md).toMatch(/cited, not this run: buildpack 55\.5 s/);
    expect(md).toContain("**`berth --version`** (the esbuild bundle): 250 ms (median of 5 runs:");
    expect(md).toContain("under the 0.4 s goal");
    expect(md).toContain(
      "median of 5 runs of 2 instances each, 10 processes): RSS 42.5 MB, max 44.0 MB (over the 30 MB goal)",
    );
    expect(md).toMatch(
      /\| entrypoint per instance: RSS \/ CPU since start \(section 3\) \| 42\.5 MB \/ 280 ms \|/,
    );
    for (const line of md
      .split("\n")
      .filter((l) => /median/.test(l) && !/median of ([5-9]|\d\d+) runs/.test(l)))
      expect(line).toMatch(/^Berth measured|^\*\*Method\.\*\*/);
  });

  it("shows CPU per line next to the log rates, and latency by instance count", () => {
    const pct = { n: 100, p50: 10, p99: 20, max: 30 };
    const md = renderBenchmarks({
      date: stamp.date,
      quick: false,
      totalSeconds: 300,
      machine,
      figures: {
        logs: {
          ...stamp,
          method: "m",
          at10LinesPerSecond: { grpc: pct, bff: pct },
          byInstances: [1, 2, 4].map((instances) => ({
            instances,
            seconds: 10,
            latency: pct,
            allReceived: true,
          })),
          stageSeconds: 10,
          stages: [
            {
              requestedLinesPerSecond: 20_000,
              written: 200_000,
              received: 200_000,
              skipped: 0,
              deliveredLinesPerSecond: 19_900,
              latency: pct,
              cpuUsPerLine: { stack: 31.5, entrypointAndApp: 12 },
            },
          ],
          sustainedLinesPerSecond: 20_000,
          flood: {
            seconds: 10,
            requestedLinesPerSecond: 200_000,
            rssBeforeMb: 1,
            rssPeakMb: 2,
            rssAfterMb: 1,
            received: 1,
            skipped: 1,
          },
          followers100: { followers: 100, linesEach: 100, allReceived: true, latency: pct, rssDuringMb: 3 },
        },
      },
      errors: {},
    });
    expect(md).toContain(
      "| 20,000 | 200,000 | 200,000 | 0 | 19,900 | 10.0 ms | 20.0 ms | 31.5 µs | 12.0 µs |",
    );
    expect(md).toContain("**Sustained: 20,000 lines/s** for 10 s");
    expect(md).toMatch(/\| 4 \| 10\.0 ms \| 20\.0 ms \|/);
    expect(md).toContain("4 instances × 10 lines/s");
    // No fixed prose about the code (the entrypoint's old batching window, a dated CPU profile).
    expect(md).not.toMatch(/windowMs|--cpu-prof|log-uploader/);
  });

  it("puts process and docker side by side, and says why docker is missing when it is", () => {
    const mem = { median: 50, max: 52 };
    const run = (totalMs: number) => ({
      totalMs,
      phasesMs: { build: 200, deploy: totalMs - 300, release: 20 },
      rssMb: [50],
      anonMb: [20],
    });
    const side = (totalMs: number) => ({
      cold: run(totalMs * 2),
      warm: {
        runs: 5,
        totalMs: { median: totalMs, samples: [totalMs] },
        phasesMs: run(totalMs).phasesMs,
        rssMbPerInstance: mem,
        anonMbPerInstance: { median: 20, max: 21 },
      },
    });
    const render = (platforms: NonNullable<BenchResults["figures"]["platforms"]>) =>
      renderBenchmarks({
        date: stamp.date,
        quick: false,
        totalSeconds: 60,
        machine,
        figures: { platforms },
        errors: {},
      });
    const both = render({
      ...stamp,
      method: "m",
      count: 10,
      process: side(2000),
      docker: {
        ...side(6000),
        warm: { ...side(6000).warm, cgroupMbPerInstance: { median: 25, max: 26 } },
        engine: { dockerdMb: 85, containerdMb: 41, shimsMb: 130, shims: 10 },
      },
    });
    expect(both).toMatch(/^## 11\. Process vs Docker$/m);
    expect(both).toContain(
      "| warm `up` → all 10 healthy (median of 5 runs) | 2.0 s (build 0.2 s, deploy 1.7 s, release 0.0 s) | 6.0 s (",
    );
    expect(both).toContain(
      "| of which anonymous (RssAnon: not shared) | 20.0 MB (max 21.0) | 20.0 MB (max 21.0) |",
    );
    expect(both).toContain("| memory cgroup per container (incl. page cache) | — | 25.0 MB (max 26.0) |");
    expect(both).toContain(
      "dockerd 85.0 MB, its containerd 41.0 MB, the 10 containerd shims 130.0 MB in all (13.0 MB each)",
    );
    expect(both).not.toContain("asks for count = 10");
    expect(both).toContain(
      "| 10 instances, warm `up` → all healthy: process platform vs docker (section 11) | 2.0 s | docker 6.0 s | 3.00× |",
    );
    const without = render({
      ...stamp,
      method: "m",
      count: 3,
      process: side(2000),
      dockerError: "spawn dockerd ENOENT",
    });
    expect(without).toContain("**Docker was not measured:** spawn dockerd ENOENT.");
    expect(without).toContain("this run measured 3");
    expect(without).toMatch(
      /\| RSS per instance \(entrypoint \+ sh \+ app\), warm runs \| 50\.0 MB \(max 52\.0\) \| — \|/,
    );
  });

  it("renders the committed results without placeholders leaking", () => {
    const results = JSON.parse(
      readFileSync(new URL("../results/benchmarks.json", import.meta.url), "utf8"),
    ) as BenchResults;
    const md = renderBenchmarks(results);
    expect(md).not.toMatch(/\$\{|\$[a-z]+\(|undefined|NaN/);
    expect(md).toContain("## Summary");
    expect(md).not.toMatch(/windowMs|--cpu-prof|same run\)/);
  });
});
