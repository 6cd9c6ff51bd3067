// The quickstart's demo: examples/hello-node in a throwaway git repository, shipped twice with the real
// `berth up` (two commits, so the dashboard has history, a SHA to search and something to roll back to).
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const exampleDir = join(repoRoot, "examples/hello-node");
const berthBin = join(repoRoot, "apps/cli/bin/berth.js");

export interface DemoOptions {
  apiUrl: string;
  /** A login token with the deployer role or above. */
  token: string;
  /** Where `berth up` output goes: the terminal (quickstart) or our stderr (tests keep stdout for JSON). */
  output: "inherit" | "stderr";
  signal?: AbortSignal;
}

export interface DemoCommit {
  sha: string;
  /** The version the app answers with at this commit (its body is JSON: {"version": ..., "sha": ...}). */
  version: string;
}

/** Runs a command and rejects with its exit status. */
function run(
  cmd: string,
  args: string[],
  cwd: string,
  options: DemoOptions,
  env: Record<string, string> = {},
) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: options.output === "inherit" ? "inherit" : ["ignore", process.stderr, process.stderr],
      signal: options.signal,
    });
    child.on("error", reject);
    child.on("exit", (code, sig) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code ?? sig}`)),
    );
  });
}

async function git(dir: string, args: string[], options: DemoOptions): Promise<void> {
  const identity = ["-c", "user.name=Berth Quickstart", "-c", "user.email=quickstart@berth.localhost"];
  await run("git", [...identity, ...args], dir, { ...options, output: "stderr" });
}

function headSha(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["rev-parse", "HEAD"], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error("git rev-parse failed")),
    );
  });
}

/** `berth up` in `dir` against the API with the token (no saved context is touched). */
export async function berthUp(dir: string, options: DemoOptions): Promise<void> {
  const configDir = mkdtempSync(join(tmpdir(), "berth-quickstart-cli-"));
  try {
    await run(process.execPath, [berthBin, "up"], dir, options, {
      BERTH_SERVER: options.apiUrl,
      BERTH_TOKEN: options.token,
      BERTH_CONFIG_DIR: configDir,
      FORCE_COLOR: options.output === "inherit" && process.stdout.isTTY ? "1" : "0",
    });
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

/** Sets the app's version in package.json: hello-node answers with it, so each commit serves its own. */
export function setVersion(dir: string, version: string): void {
  const file = join(dir, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { version?: string };
  pkg.version = version;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}

/**
 * Copies examples/hello-node into a fresh git repo, commits and ships v1, changes the greeting, commits and
 * ships v2. Returns both commits; the repo is removed afterwards (history lives on in the server).
 */
export async function deployDemo(options: DemoOptions): Promise<DemoCommit[]> {
  const dir = mkdtempSync(join(tmpdir(), "berth-hello-node-"));
  try {
    cpSync(exampleDir, dir, {
      recursive: true,
      filter: (src) => !src.includes("node_modules") && !src.endsWith(".git"),
    });
    await git(dir, ["init", "-q", "-b", "main"], options);
    const commits: DemoCommit[] = [];
    const versions = [
      { version: "1.0.0", message: "hello-node: first version" },
      { version: "2.0.0", message: "hello-node 2.0: a second version to roll back from" },
    ];
    for (const v of versions) {
      setVersion(dir, v.version);
      await git(dir, ["add", "-A"], options);
      await git(dir, ["commit", "-q", "-m", v.message], options);
      await berthUp(dir, options);
      commits.push({ sha: await headSha(dir), version: v.version });
    }
    return commits;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The project and app names the example's berth.hcl declares (for URLs before anything is deployed). */
export function exampleNames(): { project: string; app: string } {
  const hcl = readFileSync(join(exampleDir, "berth.hcl"), "utf8");
  const project = /^\s*project\s*=\s*"([^"]+)"/m.exec(hcl)?.[1] ?? "demo";
  const app = /^\s*app\s+"([^"]+)"/m.exec(hcl)?.[1] ?? "hello";
  return { project, app };
}
