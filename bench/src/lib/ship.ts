// `berth up` as a user runs it: the real CLI binary in a git working tree, against the bench stack.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JobState } from "@berth/proto";
import type { BenchStack } from "./stack.js";
import { repoRoot } from "./stack.js";

const berthBin = join(repoRoot, "apps/cli/bin/berth.js");

export interface UpResult {
  app: string;
  buildId?: string;
  buildJobId?: string;
  deployJobId?: string;
  deploymentId?: string;
  deploymentUrl?: string;
  appUrl?: string;
  artifactDigest?: string;
  artifactSizeBytes?: number;
  timings: { phase: string; ms: number }[];
}

/** Copies an app directory into a fresh git repo with one commit; `edit` may change files first. */
export function gitWorkTree(
  sourceDir: string,
  edit?: (dir: string) => void,
): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-app-"));
  cpSync(sourceDir, dir, {
    recursive: true,
    filter: (s) => !s.includes("node_modules") && !s.endsWith(".git"),
  });
  edit?.(dir);
  commitAll(dir, "bench: initial");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Commits everything in the work tree (so the next `berth up` builds a clean, new commit). */
export function commitAll(dir: string, message: string): void {
  const id = ["-c", "user.name=Berth Bench", "-c", "user.email=bench@berth.localhost"];
  for (const args of [
    ["init", "-q", "-b", "main"],
    ["add", "-A"],
    [...id, "commit", "-q", "--allow-empty", "-m", message],
  ]) {
    const r = spawnSync("git", args, { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  }
}

/** Replaces a regex match in a file of the work tree. */
export function editFile(dir: string, file: string, from: RegExp, to: string): void {
  const path = join(dir, file);
  writeFileSync(path, readFileSync(path, "utf8").replace(from, to));
}

/** Runs `berth up --json` in `dir` and returns the CLI's result with its wall time. */
export async function berthUp(stack: BenchStack, dir: string): Promise<UpResult & { wallMs: number }> {
  const configDir = mkdtempSync(join(tmpdir(), "berth-bench-cli-"));
  const started = performance.now();
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [berthBin, "up", "--json"], {
        cwd: dir,
        env: {
          ...process.env,
          BERTH_SERVER: stack.apiUrl,
          BERTH_TOKEN: stack.token,
          BERTH_CONFIG_DIR: configDir,
          FORCE_COLOR: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d;
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d;
      });
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0
          ? resolve(stdout)
          : reject(new Error(`berth up exited with ${code}: ${stderr.slice(-2000)}`)),
      );
    });
    const wallMs = performance.now() - started;
    const results = JSON.parse(out) as UpResult[];
    return { ...results[0]!, wallMs };
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

/** The steps a job reported (StepFinished events) with their durations in ms. */
export async function jobSteps(stack: BenchStack, jobId: string): Promise<Record<string, number>> {
  const steps: Record<string, number> = {};
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 10_000);
  try {
    for await (const res of stack.clients.jobs.getJobStream({ id: jobId }, { signal: ac.signal })) {
      for (const ev of res.events) {
        if (ev.event.case === "stepFinished")
          steps[ev.event.value.step] = (steps[ev.event.value.step] ?? 0) + ev.event.value.durationMs;
      }
      if (res.job && res.job.state >= JobState.SUCCESS) break;
      if (res.events.some((e) => e.event.case === "state" && e.event.value.state >= JobState.SUCCESS)) break;
    }
  } catch (err) {
    if (!ac.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
  }
  return steps;
}
