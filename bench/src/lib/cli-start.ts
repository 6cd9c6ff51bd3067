// How long the built `berth` takes to start and exit: `berth --version`, the floor under every command.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./stack.js";
import { median, round } from "./stats.js";

const berthBin = join(repoRoot, "apps/cli/bin/berth.js");

/** Wall time of one `node <args>` from spawn to exit. */
function timeOnce(args: string[]): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(performance.now() - t0)
        : reject(new Error(`node ${args.join(" ")} exited ${code}`)),
    );
  });
}

export interface CliStartFigures {
  versionMs: { median: number; samples: number[] };
  /** `node -e 0` on the same machine, interleaved with the runs above: the floor no CLI gets under. */
  nodeBaselineMs: { median: number; samples: number[] };
}

/**
 * Wall time of `berth --version` (the bundle) and of a bare `node -e 0`, interleaved (A B A B) `runs` times each,
 * after one untimed run of each warms the page cache.
 */
export async function timeCliStart(runs: number): Promise<CliStartFigures> {
  const version = [berthBin, "--version"];
  const bare = ["-e", "0"];
  await timeOnce(version);
  await timeOnce(bare);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(round(await timeOnce(version), 1));
    b.push(round(await timeOnce(bare), 1));
  }
  return {
    versionMs: { median: round(median(a), 1), samples: a },
    nodeBaselineMs: { median: round(median(b), 1), samples: b },
  };
}
