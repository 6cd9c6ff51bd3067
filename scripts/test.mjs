// The README's test command: lint, generated-code drift, type-check, unit + integration (Vitest) and e2e (Playwright).
// Ends with one line: "N passed, N failed[, N skipped]". Each non-test check counts as one.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureNodeModules, ensureSystemPackages, root } from "./ensure-deps.mjs";

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const resultsDir = join(root, ".test-results");

/** Runs one step; returns whether it succeeded. */
function step(title, cmd, args, env = {}) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  const ok = r.status === 0;
  console.log(`${ok ? "✔" : "✘"} ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

/** A check that counts as one test. */
function check(title, cmd, args, env) {
  const ok = step(title, cmd, args, env);
  if (ok) totals.passed++;
  else {
    totals.failed++;
    failures.push(title);
  }
  return ok;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

function workspacesWith(script) {
  const dirs = ["apps", "packages"].flatMap((d) => readdirSync(join(root, d)).map((n) => join(d, n)));
  dirs.push("e2e", "bench");
  return dirs.filter((d) => readJson(join(root, d, "package.json"))?.scripts?.[script]);
}

ensureNodeModules();
ensureSystemPackages();
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

check("lint (biome)", "npx", ["biome", "check", "."]);

if (existsSync(join(root, ".git"))) {
  // Generated into a temp dir and compared, so a check never rewrites the tree it checks.
  const genDir = join(resultsDir, "proto-gen");
  check("generated protobuf code is fresh", "sh", [
    "-c",
    `node packages/proto/scripts/generate.mjs --out=${genDir} && diff -r ${genDir} packages/proto/src/gen && test -z "$(git status --porcelain -- packages/proto/src/gen)"`,
  ]);
}

/** Checks run two at a time (this is a 2-core machine): output is buffered and printed per check. */
async function parallelChecks(items, concurrency = 2) {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const { title, cmd, args } = item;
      const started = Date.now();
      const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.stderr.on("data", (d) => {
        out += d;
      });
      const [code] = await once(child, "close");
      const ok = code === 0;
      const shown = out.replace(/^npm warn .*\n/gm, "");
      console.log(
        `\n▶ ${title}\n${shown}${ok ? "✔" : "✘"} ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
      if (ok) totals.passed++;
      else {
        totals.failed++;
        failures.push(title);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

await parallelChecks(
  workspacesWith("typecheck").map((ws) => ({
    title: `type-check ${ws}`,
    cmd: "npx",
    args: ["tsc", "-p", ws],
  })),
);

// The bins the tests spawn run these bundles (the vitest globalSetup would build them too, less visibly).
check("build the CLI and entrypoint bundles (esbuild)", "npm", [
  "run",
  "build",
  "-w",
  "@berth/cli",
  "-w",
  "@berth/entrypoint",
]);

const webBuilt = workspacesWith("build").includes("apps/web")
  ? check("build the dashboard (vite)", "npm", ["run", "build", "-w", "@berth/web"])
  : false;

const vitestJson = join(resultsDir, "vitest.json");
const vitestOk = step("unit and integration tests (vitest)", "npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestJson}`,
]);
const v = readJson(vitestJson);
if (v) {
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += v.numPendingTests + v.numTodoTests;
  if (v.numFailedTests > 0) failures.push(`${v.numFailedTests} vitest test(s)`);
  if (!vitestOk && v.numFailedTests === 0) {
    totals.failed++;
    failures.push("vitest exited non-zero (a suite failed to load?)");
  }
} else {
  totals.failed++;
  failures.push("vitest produced no report");
}

if (existsSync(join(root, "e2e/playwright.config.ts"))) {
  const pwJson = join(resultsDir, "playwright.json");
  const pwOk = step(
    "end-to-end tests (playwright, chromium)",
    "npx",
    ["playwright", "test", "-c", "e2e/playwright.config.ts", "--reporter=list,json"],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson, BERTH_WEB_BUILT: webBuilt ? "1" : "0" },
  );
  const p = readJson(pwJson);
  if (p?.stats) {
    totals.passed += p.stats.expected + p.stats.flaky;
    totals.failed += p.stats.unexpected;
    totals.skipped += p.stats.skipped;
    if (p.stats.unexpected > 0) {
      failures.push(`${p.stats.unexpected} e2e test(s)`);
      printPageSnapshots(join(resultsDir, "e2e"));
    }
    if (!pwOk && p.stats.unexpected === 0) {
      totals.failed++;
      failures.push("playwright exited non-zero");
    }
  } else {
    totals.failed++;
    failures.push("playwright produced no report");
  }
}

/** What each failed journey's page showed (Playwright's error-context.md), for a CI log that has nothing else. */
function printPageSnapshots(dir) {
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith("error-context.md")) continue;
    const text = readFileSync(join(dir, file), "utf8");
    const at = text.indexOf("# Page snapshot");
    if (at < 0) continue;
    console.log(`\n▶ the page when ${file.split("/")[0]} failed\n${text.slice(at, at + 4000)}`);
  }
}

if (failures.length) console.log(`\nFailed: ${failures.join("; ")}`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : "";
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed === 0 ? 0 : 1);
