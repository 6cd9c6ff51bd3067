// Process vs Docker: `berth up` of bench/apps/trivial with count = 10 on the process platform and on a private
// dockerd, interleaved run by run, timed from `up` to all instances healthy, then what each instance costs in
// memory (app + entrypoint RSS from /proc; a container's memory cgroup too) and what the engine itself costs.
import { join } from "node:path";
import { type BenchDockerd, type EngineRss, startBenchDockerd } from "./lib/bench-dockerd.js";
import { newestEntrypoints } from "./lib/entrypoint-footprint.js";
import { cgroupMemoryBytes, rssTreeBytes } from "./lib/proc-memory.js";
import { berthUp, commitAll, editFile, gitWorkTree } from "./lib/ship.js";
import { type BenchStack, repoRoot, startBenchStack } from "./lib/stack.js";
import { median, round, waitFor } from "./lib/stats.js";

/** One `berth up` and the memory of the instances it started. */
export interface PlatformRun {
  totalMs: number;
  phasesMs: Record<string, number>;
  /** Per instance, in MB: RSS of the instance's process tree (entrypoint + sh + app). */
  rssMb: number[];
  /** Per instance, in MB: the anonymous part of that RSS (RssAnon: without the file pages processes share). */
  anonMb: number[];
  /** Per container, in MB: its memory cgroup's charge (docker only, when the cgroup is readable here). */
  cgroupMb?: number[];
}

export interface PlatformFigures {
  cold: PlatformRun;
  warm: {
    runs: number;
    totalMs: { median: number; samples: number[] };
    phasesMs: Record<string, number>;
    rssMbPerInstance: { median: number; max: number };
    anonMbPerInstance: { median: number; max: number };
    cgroupMbPerInstance?: { median: number; max: number };
  };
}

export interface PlatformsResult {
  method: string;
  count: number;
  process: PlatformFigures;
  /** Absent when no Docker engine could start here (dockerError says why). */
  docker?: PlatformFigures & {
    engine: { dockerdMb: number; containerdMb: number; shimsMb: number; shims: number };
  };
  dockerError?: string;
}

type Memory = Pick<PlatformRun, "rssMb" | "anonMb" | "cgroupMb">;

const mb = (bytes: number): number => round(bytes / 1024 ** 2, 1);
const appDir = join(repoRoot, "bench/apps/trivial");

/** A work tree of the trivial app named `name`, with `count` instances, on `platform` (berth.hcl rewritten). */
function tree(name: string, count: number, dockerd?: BenchDockerd) {
  return gitWorkTree(appDir, (dir) => {
    editFile(dir, "berth.hcl", /app "trivial"/, `app "${name}"`);
    editFile(dir, "berth.hcl", /count\s+=\s+\d+/, `count   = ${count}`);
    if (dockerd)
      editFile(
        dir,
        "berth.hcl",
        /use "process" \{/,
        `use "docker" {\n      image   = "${dockerd.image}"\n      socket  = "${dockerd.socket}"`,
      );
  });
}

/** The `count` entrypoints of the newest process deployment: RSS of each one's tree (it and the app under it). */
function processMemory(count: number): Memory {
  const eps = newestEntrypoints(count);
  if (eps.length !== count) throw new Error(`expected ${count} entrypoints, found ${eps.length}`);
  const trees = eps.map((e) => rssTreeBytes(e.pid));
  return { rssMb: trees.map((t) => mb(t.rss)), anonMb: trees.map((t) => mb(t.anon)) };
}

/** The containers of `deploymentId`: RSS of each one's processes (pid 1 = the entrypoint) and its cgroup. */
async function dockerMemory(dockerd: BenchDockerd, deploymentId: string, count: number): Promise<Memory> {
  const list = await dockerd.docker.listContainers({
    filters: JSON.stringify({ label: [`berth.deployment=${deploymentId}`] }),
  });
  if (list.length !== count) throw new Error(`expected ${count} running containers, found ${list.length}`);
  const pids = await Promise.all(
    list.map(async (c) => (await dockerd.docker.getContainer(c.Id).inspect()).State.Pid),
  );
  const cgroups = pids.map(cgroupMemoryBytes);
  const trees = pids.map(rssTreeBytes);
  return {
    rssMb: trees.map((t) => mb(t.rss)),
    anonMb: trees.map((t) => mb(t.anon)),
    cgroupMb: cgroups.every((b) => b !== undefined) ? cgroups.map((b) => mb(b!)) : undefined,
  };
}

/** Destroys a superseded deployment and waits until `gone()`, so runs do not pile up on the machine. */
async function destroy(stack: BenchStack, deploymentId: string, gone: () => Promise<boolean>): Promise<void> {
  await stack.clients.deployments.destroyDeployment({ deploymentId });
  await waitFor(`deployment ${deploymentId}'s instances to stop`, gone, 60_000, 100);
}

const stats = (xs: number[]) => ({ median: round(median(xs), 1), max: round(Math.max(...xs), 1) });

/** Median of each phase over the warm runs. */
function phaseMedians(runs: PlatformRun[]): Record<string, number> {
  const keys = new Set(runs.flatMap((r) => Object.keys(r.phasesMs)));
  return Object.fromEntries(
    [...keys].map((k) => [k, Math.round(median(runs.map((r) => r.phasesMs[k] ?? 0)))]),
  );
}

function figures(runs: PlatformRun[]): PlatformFigures {
  const [cold, ...warm] = runs;
  const cgroups = warm.flatMap((r) => r.cgroupMb ?? []);
  return {
    cold: cold!,
    warm: {
      runs: warm.length,
      totalMs: {
        median: Math.round(median(warm.map((r) => r.totalMs))),
        samples: warm.map((r) => r.totalMs),
      },
      phasesMs: phaseMedians(warm),
      rssMbPerInstance: stats(warm.flatMap((r) => r.rssMb)),
      anonMbPerInstance: stats(warm.flatMap((r) => r.anonMb)),
      ...(cgroups.length > 0 && { cgroupMbPerInstance: stats(cgroups) }),
    },
  };
}

/** One platform's sequence of `up`s of new commits, each measured, the one before it destroyed. */
function platformRunner(
  stack: BenchStack,
  name: string,
  count: number,
  measure: (deploymentId: string) => Promise<Memory>,
  gone: (deploymentId: string) => Promise<boolean>,
  dockerd?: BenchDockerd,
) {
  const t = tree(name, count, dockerd);
  const runs: PlatformRun[] = [];
  let previous = "";
  return {
    runs,
    async next(): Promise<void> {
      editFile(t.dir, "package.json", /"version": "[^"]+"/, `"version": "2.0.${runs.length}"`);
      commitAll(t.dir, `bench: run ${runs.length}`);
      const r = await berthUp(stack, t.dir);
      const deploymentId = r.deploymentId ?? "";
      runs.push({
        totalMs: Math.round(r.wallMs),
        phasesMs: Object.fromEntries(r.timings.map((x) => [x.phase, x.ms])),
        ...(await measure(deploymentId)),
      });
      if (previous) {
        const id = previous;
        await destroy(stack, id, () => gone(id));
      }
      previous = deploymentId;
    },
    remove: () => t.remove(),
  };
}

/** Runs the section; `quick` deploys 3 instances, one cold and two warm runs per platform. */
export async function benchPlatforms(options: { quick: boolean }): Promise<PlatformsResult> {
  const count = options.quick ? 3 : 10;
  const warmRuns = options.quick ? 2 : 5;
  let dockerd: BenchDockerd | undefined;
  let dockerError: string | undefined;
  try {
    dockerd = await startBenchDockerd();
  } catch (err) {
    // No docker.io here, or no permission to run it: the process figures still come, and the page says why.
    dockerError = (err instanceof Error ? err.message : String(err)).split("\n").slice(0, 3).join(" ");
  }
  const stack = await startBenchStack();
  const runners: ReturnType<typeof platformRunner>[] = [];
  try {
    const proc = platformRunner(
      stack,
      "trivial-process",
      count,
      async () => processMemory(count),
      async () => newestEntrypoints(count + 1).length <= count,
    );
    runners.push(proc);
    const engine = dockerd;
    const docker =
      engine &&
      platformRunner(
        stack,
        "trivial-docker",
        count,
        (id) => dockerMemory(engine, id, count),
        async (id) =>
          (
            await engine.docker.listContainers({
              all: true,
              filters: JSON.stringify({ label: [`berth.deployment=${id}`] }),
            })
          ).length === 0,
        engine,
      );
    if (docker) runners.push(docker);
    // Cold first (nothing built or cached for either app), then the warm runs interleaved.
    for (let i = 0; i <= warmRuns; i++) for (const r of runners) await r.next();
    const engineRss: EngineRss | undefined = engine?.engineRss();
    return {
      method:
        `\`berth up --json\` of bench/apps/trivial with count = ${count} (HTTP health check every 1 s) as two apps on one ` +
        "server: one on the process platform, one on docker against a dockerd of the bench's own (private socket and " +
        "state, no bridge or iptables, host networking; base image = this machine's node + its libraries, `docker " +
        "import`ed, as no registry is reachable). Cold = each app's first `up` (nothing built or cached); warm = " +
        `median of ${warmRuns} further \`up\`s of new commits, the two platforms interleaved run by run; the previous ` +
        "deployment is destroyed (and its instances waited out) after each run. Time = the CLI's wall time and " +
        "phases (`up` started → every instance healthy). Memory right after `up` returned: process = VmRSS of each " +
        "berth-entrypoint and its descendants (sh, the app) from /proc, and its RssAnon part (RSS counts the file pages all node processes share, e.g. the node binary, once per process); docker = the same sum over the container's " +
        "processes (pid 1 is the entrypoint), and its memory cgroup's charge (memory.usage_in_bytes / " +
        "memory.current: anonymous memory and page cache charged to the container; file pages first read by " +
        "another cgroup, like the host's node binary, are not charged to it). Engine = VmRSS of dockerd, its containerd and the shims.",
      count,
      process: figures(proc.runs),
      ...(docker &&
        engineRss && {
          docker: {
            ...figures(docker.runs),
            engine: {
              dockerdMb: mb(engineRss.dockerd),
              containerdMb: mb(engineRss.containerd),
              shimsMb: mb(engineRss.shims),
              shims: engineRss.shimCount,
            },
          },
        }),
      ...(dockerError && { dockerError }),
    };
  } finally {
    for (const r of runners) r.remove();
    await stack.close();
    await dockerd?.stop();
  }
}
