// The built `berth` and `berth-entrypoint` run outside the monorepo: their dist/ directories are copied to a temp dir
// with only the packages they must find at run time, and run there (no tsx, no workspace packages, no hoisting).
import { execFile, spawn } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * What the CLI bundle leaves to node_modules: the HCL parser, which reads its Go-WASM module from its own directory,
 * and, for `berth server run` only, better-sqlite3 (native). Documented in docs/development.md; a new external must be
 * added there and here.
 */
const cliRuntimePackages = ["@cdktf/hcl2json"];

/**
 * The part of better-sqlite3 the server loads at run time (its JS, the compiled addon, and `bindings`, which finds
 * the addon): not its SQLite sources, build objects or install-time dependencies (prebuild-install).
 */
const serverRuntimeFiles: Record<string, string[]> = {
  "better-sqlite3": ["package.json", "lib", "build/Release/better_sqlite3.node"],
  bindings: ["package.json", "bindings.js"],
  "file-uri-to-path": ["package.json", "index.js"],
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd, env, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Copies a package and its dependencies (as the repo's node_modules resolves them) into `modules`. */
function copyWithDependencies(name: string, modules: string, seen = new Set<string>()): void {
  if (seen.has(name)) return;
  seen.add(name);
  const from = join(repo, "node_modules", name);
  cpSync(from, join(modules, name), { recursive: true, dereference: true });
  const manifest = JSON.parse(readFileSync(join(from, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  for (const dep of Object.keys(manifest.dependencies ?? {})) copyWithDependencies(dep, modules, seen);
}

describe("the bundles outside the monorepo", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "berth-standalone-"));
    cpSync(join(repo, "apps/cli/dist"), join(dir, "berth/dist"), { recursive: true });
    for (const name of cliRuntimePackages) copyWithDependencies(name, join(dir, "berth/node_modules"));
    for (const [name, files] of Object.entries(serverRuntimeFiles)) {
      for (const file of files) {
        cpSync(join(repo, "node_modules", name, file), join(dir, "berth/node_modules", name, file), {
          recursive: true,
          dereference: true,
        });
      }
    }
    cpSync(join(repo, "apps/entrypoint/dist"), join(dir, "berth-entrypoint/dist"), { recursive: true });
    cpSync(join(repo, "apps/bff/dist"), join(dir, "berth-bff/dist"), { recursive: true });
    mkdirSync(join(dir, "app"));
    mkdirSync(join(dir, "config"));
    // Nothing from the repo's environment that could point module resolution back into it.
    env = { PATH: process.env.PATH, HOME: dir, BERTH_CONFIG_DIR: join(dir, "config"), NO_COLOR: "1" };
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const berth = (args: string[]) => run(join(dir, "berth/dist/berth.js"), args, join(dir, "app"), env);

  it("berth --version prints the CLI's version", async () => {
    const { version } = JSON.parse(readFileSync(join(repo, "apps/cli/package.json"), "utf8")) as {
      version: string;
    };
    const r = await berth(["--version"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.trim()).toBe(version);
  });

  it("berth init writes and parses a berth.hcl, and a broken one is reported at file:line:col", async () => {
    writeFileSync(
      join(dir, "app/package.json"),
      JSON.stringify({ name: "shop", scripts: { start: "node i.js" } }),
    );
    const init = await berth(["init"]);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(readFileSync(join(dir, "app/berth.hcl"), "utf8")).toContain('command = "npm start"');

    writeFileSync(join(dir, "app/berth.hcl"), 'app "shop" {\n  count = \n}\n');
    const broken = await berth(["apps"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^berth: berth\.hcl:2:\d+: /);
  });

  it("berth server run starts from the bundle with only better-sqlite3 beside it, and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        join(dir, "berth/dist/berth.js"),
        "server",
        "run",
        ...["--data-dir", join(dir, "data"), "--apps-dir", join(dir, "apps")],
        ...["--port", "0", "--router-port", "0"],
      ],
      {
        cwd: join(dir, "app"),
        env: { ...env, BERTH_LOG_LEVEL: "silent" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const ready = await new Promise<{ apiUrl: string }>((resolve, reject) => {
        exited.then((code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
        createInterface({ input: child.stdout }).on("line", (line) => {
          if (line.includes('"event":"ready"')) resolve(JSON.parse(line));
        });
      });
      expect(ready.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The API answers: gRPC health over the Connect protocol's JSON.
      const health = await fetch(`${ready.apiUrl}/grpc.health.v1.Health/Check`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(await health.json()).toEqual({ status: "SERVING" });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/tsx|Cannot find/);
  });

  it("berth-entrypoint runs an app with no node_modules at all", async () => {
    const r = await run(
      join(dir, "berth-entrypoint/dist/berth-entrypoint.js"),
      ["--", "sh", "-c", "echo from the app"],
      join(dir, "app"),
      env,
    );
    expect(r).toMatchObject({ code: 0, stdout: "from the app\n" });
  });

  it("berth-bff serves with no node_modules at all (and says its server is unreachable)", async () => {
    const child = spawn(process.execPath, [join(dir, "berth-bff/dist/berth-bff.js")], {
      cwd: join(dir, "app"),
      // Port 1 on loopback: nothing listens there, so /healthz reports the server unreachable at once.
      env: { ...env, BERTH_BFF_PORT: "0", BERTH_SERVER_URL: "http://127.0.0.1:1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        exited.then((code) => reject(new Error(`berth-bff exited with ${code}: ${stderr}`)));
        createInterface({ input: child.stdout }).on("line", (line) => {
          const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
          if (listening?.[1]) resolve(listening[1]);
        });
      });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: "degraded" });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("the bundles are readable by any user (the process platform may run the entrypoint for an app user)", () => {
    for (const dist of ["apps/cli/dist", "apps/entrypoint/dist", "apps/bff/dist"]) {
      expect(statSync(join(repo, dist)).mode & 0o555, dist).toBe(0o555);
      for (const file of readdirSync(join(repo, dist))) {
        expect(statSync(join(repo, dist, file)).mode & 0o444, `${dist}/${file}`).toBe(0o444);
      }
    }
  });

  it("a bin whose bundle is missing says to build, in one line, and exits 1", async () => {
    mkdirSync(join(dir, "unbuilt/bin"), { recursive: true });
    cpSync(join(repo, "apps/cli/bin/berth.js"), join(dir, "unbuilt/bin/berth.js"));
    const r = await run(join(dir, "unbuilt/bin/berth.js"), ["--version"], join(dir, "app"), env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^berth: .*run `npm run build` first\n$/);
  });
});
