// Times `berth up` for examples/hello-node as a user runs it (the real binary, a real server child process):
// cold (fresh server and runner cache), warm (a new commit), unchanged (same tree again: "nothing changed", no
// jobs), forced (same tree with --force: a full redeploy, the artifact deduplicated), and the same four for a
// variant with one npm dependency to show the node_modules cache. Prints JSON.
// Run: npx tsx apps/cli/scripts/bench-deploy-speed.ts
import { execFile, execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/berth.js", import.meta.url));
const example = fileURLToPath(new URL("../../../examples/hello-node", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "berth-bench-deploy-"));
const env = {
  ...process.env,
  BERTH_CONFIG_DIR: join(root, "config"),
  BERTH_CACHE_DIR: join(root, "cache"),
  NO_COLOR: "1",
};

function berth(cwd: string, args: string[]): Promise<{ ms: number; stdout: string; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [bin, ...args], { cwd, env, timeout: 300_000 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`berth ${args.join(" ")} failed: ${stderr}`))
        : resolve({ ms: performance.now() - started, stdout, stderr }),
    ),
  );
}

function repo(name: string, withDependency: boolean): string {
  const dir = join(root, name);
  cpSync(example, dir, { recursive: true });
  if (withDependency) {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ ...pkg, dependencies: { ms: "2.1.3" } }, null, 2),
    );
    execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: dir,
      stdio: "ignore",
    });
    writeFileSync(
      join(dir, "berth.hcl"),
      readFileSync(join(dir, "berth.hcl"), "utf8")
        .replace('command = ""', 'command = "npm ci --omit=dev --no-audit --no-fund"')
        .replace('project = "examples"', 'project = "bench"'),
    );
  }
  const git = (...a: string[]) => execFileSync("git", a, { cwd: dir });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=b@x", "commit", "-qm", "first");
  return dir;
}

async function measure(dir: string) {
  const run = async (...flags: string[]) => {
    const r = await berth(dir, ["up", "--json", ...flags]);
    const [result] = JSON.parse(r.stdout) as {
      artifactSizeBytes?: number;
      unchanged?: { seq: number };
      timings: { phase: string; ms: number }[];
    }[];
    return {
      wallMs: Math.round(r.ms),
      nothingChanged: !!result!.unchanged,
      artifactBytes: result!.artifactSizeBytes ?? 0,
      phasesMs: Object.fromEntries(result!.timings.map((t) => [t.phase, t.ms])),
    };
  };
  const cold = await run();
  writeFileSync(join(dir, "server.js"), `${readFileSync(join(dir, "server.js"), "utf8")}\n// change\n`);
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=b@x", "commit", "-qam", "second"], {
    cwd: dir,
  });
  const warm = await run();
  const unchanged = await run();
  const forced = await run("--force");
  return { cold, warm, unchanged, forced };
}

const server = spawn(
  process.execPath,
  [
    bin,
    "server",
    "run",
    "--data-dir",
    join(root, "data"),
    "--port",
    "0",
    "--router-port",
    "0",
    "--print-token-json",
  ],
  {
    env: { ...env, BERTH_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "ignore"],
  },
);
try {
  const ready = await new Promise<{ apiUrl: string; bootstrapToken: string }>((resolve) =>
    createInterface({ input: server.stdout! }).on(
      "line",
      (l) => l.startsWith('{"event":"ready"') && resolve(JSON.parse(l)),
    ),
  );
  await berth(root, ["login", "--server", ready.apiUrl, "--token", ready.bootstrapToken]);
  const helloNode = await measure(repo("hello-node", false));
  const withDependency = await measure(repo("hello-node-dep", true));
  process.stdout.write(
    `${JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, node: process.version, loadAvg1m: loadavg()[0], helloNode, withDependency }, null, 2)}\n`,
  );
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  rmSync(root, { recursive: true, force: true });
}
