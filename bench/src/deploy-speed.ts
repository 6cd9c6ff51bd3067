// Deploy speed: `berth up` of examples/hello-node, cold (fresh server, nothing cached) and warm (a new commit on
// the same server), per phase from the CLI and from the jobs' step timings; then release and roll back, timed
// from the RPC to the URL router answering with the other deployment.
import { join } from "node:path";
import { ReleaseService } from "@berth/proto";
import { signIn } from "./lib/bff-tab.js";
import { httpGet } from "./lib/http-get.js";
import { berthUp, commitAll, editFile, gitWorkTree, jobSteps } from "./lib/ship.js";
import { type BenchStack, repoRoot, startBenchStack } from "./lib/stack.js";
import { median, round, waitFor } from "./lib/stats.js";

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
  releaseMs: { median: number; samples: number[] };
  rollbackMs: { median: number; samples: number[] };
  releaseViaBffMs: { median: number; samples: number[] };
  rollbackViaBffMs: { median: number; samples: number[] };
  reference: { dockerBuildpack: { seconds: number; mb: number }; pkgBinary: { seconds: number; mb: number } };
}

const exampleDir = join(repoRoot, "examples/hello-node");

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

/** Runs the deploy-speed figures; `quick` does one warm run and two release/rollback cycles. */
export async function benchDeploySpeed(options: { quick: boolean }): Promise<DeploySpeedResult> {
  const stack = await startBenchStack();
  const tree = gitWorkTree(exampleDir, (dir) =>
    editFile(dir, "package.json", /"version": "[^"]+"/, '"version": "1.0.0"'),
  );
  try {
    const cold = await up(stack, tree.dir);
    const warmRuns: Awaited<ReturnType<typeof up>>[] = [];
    const warmCount = options.quick ? 1 : 3;
    for (let i = 0; i < warmCount; i++) {
      editFile(tree.dir, "package.json", /"version": "[^"]+"/, `"version": "2.0.${i}"`);
      commitAll(tree.dir, `bench: warm ${i}`);
      warmRuns.push(await up(stack, tree.dir));
    }
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
    const pick = (u: Awaited<ReturnType<typeof up>>): UpFigures => ({
      totalMs: u.totalMs,
      phasesMs: u.phasesMs,
      buildStepsMs: u.buildStepsMs,
      deployStepsMs: u.deployStepsMs,
      artifactBytes: u.artifactBytes,
    });
    return {
      method:
        "the real CLI (`berth up --json`) in a git work tree copied from examples/hello-node (count = 2, HTTP health " +
        "check every 1 s), against a server + BFF in a child process on 127.0.0.1; cold = first `up` on a fresh data dir, " +
        `warm = median of ${warmCount} further \`up\`s of new commits; phases from the CLI, steps from the jobs' ` +
        "StepFinished events. Release/rollback: ReleaseService.Release / Rollback until the app URL (through the router) " +
        "answers with the other deployment's version, polled every ~1 ms; once over gRPC (CLI) and once from a " +
        "browser session through the BFF (the dashboard's button).",
      cold: pick(cold),
      warm: {
        runs: warmCount,
        totalMs: Math.round(median(warmRuns.map((r) => r.totalMs))),
        phasesMs: medianOf(warmRuns.map((r) => r.phasesMs)),
        buildStepsMs: medianOf(warmRuns.map((r) => r.buildStepsMs)),
        deployStepsMs: medianOf(warmRuns.map((r) => r.deployStepsMs)),
        artifactBytes: last.artifactBytes,
      },
      releaseMs: { median: round(median(releaseSamples)), samples: releaseSamples },
      rollbackMs: { median: round(median(rollbackSamples)), samples: rollbackSamples },
      releaseViaBffMs: { median: round(median(bffRelease)), samples: bffRelease },
      rollbackViaBffMs: { median: round(median(bffRollback)), samples: bffRollback },
      reference: { dockerBuildpack: { seconds: 55.5, mb: 1075 }, pkgBinary: { seconds: 4.67, mb: 46 } },
    };
  } finally {
    tree.remove();
    await stack.close();
  }
}
