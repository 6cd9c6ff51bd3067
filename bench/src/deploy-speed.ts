// Deploy speed: `berth up` of examples/hello-node and of bench/apps/express (Heroku-style, ~5 MB of
// node_modules), cold (fresh server, nothing cached) and warm (a new commit on the same server), per phase from the
// CLI and from the jobs' step timings; then release and roll back, timed from the RPC to the URL router answering
// with the other deployment.
import { join } from "node:path";
import { ReleaseService } from "@berth/proto";
import { signIn } from "./lib/bff-tab.js";
import { type CliStartFigures, timeCliStart } from "./lib/cli-start.js";
import { type EntrypointSample, newestEntrypoints } from "./lib/entrypoint-footprint.js";
import { httpGet } from "./lib/http-get.js";
import { berthUp, commitAll, editFile, gitWorkTree, jobSteps } from "./lib/ship.js";
import { type BenchStack, repoRoot, startBenchStack } from "./lib/stack.js";
import { median, round, waitFor } from "./lib/stats.js";
import { vendorNodeModules } from "./lib/vendor-node-modules.js";

export interface UpFigures {
  totalMs: number;
  phasesMs: Record<string, number>;
  buildStepsMs: Record<string, number>;
  deployStepsMs: Record<string, number>;
  artifactBytes: number;
}

export interface DeploySpeedResult {
  method: string;
  cold: UpFigures;
  warm: UpFigures & { runs: number };
  /** The same for bench/apps/express (absent in results from before it was added). */
  express?: { cold: UpFigures; warm: UpFigures & { runs: number }; vendoredPackages: number };
  /** `berth --version` against `node -e 0` (absent in results from before it was added). */
  cliStart?: CliStartFigures;
  /**
   * The entrypoints of each warm hello-node deployment, read from /proc as soon as `berth up` returned (every
   * instance healthy): resident memory, and CPU since start, i.e. start-up plus a health check or two.
   */
  entrypoint?: {
    /** Warm deployments sampled, each with `perRun` entrypoints. */
    runs: number;
    perRun: number;
    samples: number;
    rssMb: { median: number; max: number };
    startCpuMs: { median: number; max: number };
  };
  releaseMs: { median: number; samples: number[] };
  rollbackMs: { median: number; samples: number[] };
  releaseViaBffMs: { median: number; samples: number[] };
  rollbackViaBffMs: { median: number; samples: number[] };
  /** Cited, not measured: the talk's figures for the Heroku getting-started app, and where they come from. */
  reference: {
    dockerBuildpack: { seconds: number; mb: number };
    pkgBinary: { seconds: number; mb: number };
    source?: string;
  };
}

const exampleDir = join(repoRoot, "examples/hello-node");
const expressDir = join(repoRoot, "bench/apps/express");

async function up(
  stack: BenchStack,
  dir: string,
): Promise<UpFigures & { deploymentId: string; appUrl: string }> {
  const r = await berthUp(stack, dir);
  const phasesMs = Object.fromEntries(r.timings.map((t) => [t.phase, t.ms]));
  return {
    totalMs: Math.round(r.wallMs),
    phasesMs,
    buildStepsMs: r.buildJobId ? await jobSteps(stack, r.buildJobId) : {},
    deployStepsMs: r.deployJobId ? await jobSteps(stack, r.deployJobId) : {},
    artifactBytes: r.artifactSizeBytes ?? 0,
    deploymentId: r.deploymentId ?? "",
    appUrl: r.appUrl ?? "",
  };
}

/** Median of each numeric key over several runs. */
function medianOf(runs: Record<string, number>[]): Record<string, number> {
  const keys = new Set(runs.flatMap((r) => Object.keys(r)));
  return Object.fromEntries([...keys].map((k) => [k, Math.round(median(runs.map((r) => r[k] ?? 0)))]));
}

/** A cold `up` of a fresh work tree, then `runs` warm ones of new commits (version 2.0.<i>). */
async function coldAndWarm(
  stack: BenchStack,
  tree: { dir: string },
  runs: number,
  afterWarmUp: () => void = () => {},
): Promise<{ cold: Awaited<ReturnType<typeof up>>; warmRuns: Awaited<ReturnType<typeof up>>[] }> {
  const cold = await up(stack, tree.dir);
  const warmRuns: Awaited<ReturnType<typeof up>>[] = [];
  for (let i = 0; i < runs; i++) {
    editFile(tree.dir, "package.json", /"version": "[^"]+"/, `"version": "2.0.${i}"`);
    commitAll(tree.dir, `bench: warm ${i}`);
    warmRuns.push(await up(stack, tree.dir));
    afterWarmUp();
  }
  return { cold, warmRuns };
}

/** hello-node's instance count (examples/hello-node/berth.hcl): how many entrypoints each deployment starts. */
const helloNodeCount = 2;

function entrypointFigures(samples: EntrypointSample[], runs: number): DeploySpeedResult["entrypoint"] {
  if (samples.length === 0) return undefined;
  const rss = samples.map((x) => x.rssMb);
  const cpu = samples.map((x) => x.cpuMs);
  return {
    runs,
    perRun: helloNodeCount,
    samples: samples.length,
    rssMb: { median: round(median(rss), 1), max: round(Math.max(...rss), 1) },
    startCpuMs: { median: round(median(cpu)), max: round(Math.max(...cpu)) },
  };
}

const pick = (u: UpFigures): UpFigures => ({
  totalMs: u.totalMs,
  phasesMs: u.phasesMs,
  buildStepsMs: u.buildStepsMs,
  deployStepsMs: u.deployStepsMs,
  artifactBytes: u.artifactBytes,
});

/** Medians over the warm runs (the artifact size is the last run's). */
function warmMedians(warmRuns: UpFigures[]): UpFigures & { runs: number } {
  return {
    runs: warmRuns.length,
    totalMs: Math.round(median(warmRuns.map((r) => r.totalMs))),
    phasesMs: medianOf(warmRuns.map((r) => r.phasesMs)),
    buildStepsMs: medianOf(warmRuns.map((r) => r.buildStepsMs)),
    deployStepsMs: medianOf(warmRuns.map((r) => r.deployStepsMs)),
    artifactBytes: warmRuns.at(-1)?.artifactBytes ?? 0,
  };
}

/** Times from `act()` until the app URL answers with `version` (polled over keep-alive HTTP, ~1 ms apart). */
async function timeSwitch(appUrl: string, version: string, act: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await act();
  await waitFor(
    `${appUrl} to serve ${version}`,
    async () => {
      const r = await httpGet(appUrl).catch(() => undefined);
      return r?.status === 200 && r.body.includes(`"version":"${version}"`);
    },
    10_000,
    1,
  );
  return round(performance.now() - t0);
}

/** Runs the deploy-speed figures; `quick` does one warm run per app and two release/rollback cycles. */
export async function benchDeploySpeed(options: { quick: boolean }): Promise<DeploySpeedResult> {
  // Before the stack starts, so nothing else runs on the machine's cores but what the bench has already left.
  const cliStart = await timeCliStart(options.quick ? 5 : 11);
  const stack = await startBenchStack();
  const tree = gitWorkTree(exampleDir, (dir) =>
    editFile(dir, "package.json", /"version": "[^"]+"/, '"version": "1.0.0"'),
  );
  let expressTree: { remove(): void } | undefined;
  try {
    const warmCount = options.quick ? 1 : 5;
    const entrypoints: EntrypointSample[] = [];
    const { cold, warmRuns } = await coldAndWarm(stack, tree, warmCount, () =>
      entrypoints.push(...newestEntrypoints(helloNodeCount)),
    );
    const last = warmRuns.at(-1)!;
    const lastVersion = `2.0.${warmCount - 1}`;
    const app = { project: "examples", app: "hello-node" };
    const releaseSamples: number[] = [];
    const rollbackSamples: number[] = [];
    for (let i = 0; i < (options.quick ? 2 : 5); i++) {
      // Release v1 (the cold deployment, still running), then roll back to the latest one.
      releaseSamples.push(
        await timeSwitch(last.appUrl, "1.0.0", () =>
          stack.clients.releases.release({ app, deploymentId: cold.deploymentId }),
        ),
      );
      rollbackSamples.push(
        await timeSwitch(last.appUrl, lastVersion, () => stack.clients.releases.rollback({ app })),
      );
    }
    // The dashboard's click: the same RPCs from a browser session through the BFF.
    const viaBff = (await signIn(stack.dashboardUrl, stack.token)).client(ReleaseService);
    const bffRelease: number[] = [];
    const bffRollback: number[] = [];
    for (let i = 0; i < (options.quick ? 2 : 5); i++) {
      bffRelease.push(
        await timeSwitch(last.appUrl, "1.0.0", () =>
          viaBff.release({ app, deploymentId: cold.deploymentId }),
        ),
      );
      bffRollback.push(await timeSwitch(last.appUrl, lastVersion, () => viaBff.rollback({ app })));
    }
    // The Express app, on the same server after hello-node.
    let vendoredPackages = 0;
    const eTree = gitWorkTree(expressDir, (dir) => {
      vendoredPackages = vendorNodeModules(repoRoot, dir);
    });
    expressTree = eTree;
    const express = await coldAndWarm(stack, eTree, warmCount);
    return {
      method:
        "the real CLI (`berth up --json`) in a git work tree copied from examples/hello-node (count = 2, HTTP health " +
        "check every 1 s), and of bench/apps/express (Express 5 with a package-lock.json and ~5 MB of node_modules, " +
        "count = 2; its locked packages are copied from the monorepo's node_modules into the work tree, as the " +
        "machine has no registry access, and its build command moves them into node_modules), against a server + " +
        "BFF in a child process on 127.0.0.1; cold = first `up` of each app on the server (one run), " +
        `warm = median of ${warmCount} further \`up\`s of new commits; phases from the CLI, steps from the jobs' ` +
        "StepFinished events. Release/rollback: ReleaseService.Release / Rollback until the app URL (through the router) " +
        "answers with the other deployment's version, polled every ~1 ms; once over gRPC (CLI) and once from a " +
        "browser session through the BFF (the dashboard's button). `berth --version`: the bundle (apps/cli/bin/berth.js) " +
        "spawned by Node and timed to its exit, interleaved with `node -e 0`, before the stack starts. Entrypoints: " +
        `VmRSS and utime+stime from /proc of the ${helloNodeCount} newest berth-entrypoint processes right after each ` +
        "warm hello-node `up` returned (instances healthy).",
      cold: pick(cold),
      warm: warmMedians(warmRuns),
      cliStart,
      entrypoint: entrypointFigures(entrypoints, warmCount),
      express: { cold: pick(express.cold), warm: warmMedians(express.warmRuns), vendoredPackages },
      releaseMs: { median: round(median(releaseSamples)), samples: releaseSamples },
      rollbackMs: { median: round(median(rollbackSamples)), samples: rollbackSamples },
      releaseViaBffMs: { median: round(median(bffRelease)), samples: bffRelease },
      rollbackViaBffMs: { median: round(median(bffRollback)), samples: bffRollback },
      reference: {
        dockerBuildpack: { seconds: 55.5, mb: 1075 },
        pkgBinary: { seconds: 4.67, mb: 46 },
        source:
          'Michael Lange, "I Just Want to Ship My Code: Waypoint, Nomad, and Other Things" (talk, 2021-02-18), ' +
          "slide 16, for heroku/node-js-getting-started",
      },
    };
  } finally {
    tree.remove();
    expressTree?.remove();
    await stack.close();
  }
}
