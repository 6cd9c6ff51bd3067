// Dashboard: the gzipped JS of the first page load (from apps/web/dist), the time until the deployment list is
// interactive in a real Chromium (playwright-core, localhost), and frame times while the log view receives
// 5,000 lines/s.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { signIn } from "./lib/bff-tab.js";
import { deployBenchApp } from "./lib/deploy-bench-app.js";
import { httpGet } from "./lib/http-get.js";
import { repoRoot, startBenchStack } from "./lib/stack.js";
import { median, type Percentiles, percentiles, round } from "./lib/stats.js";
import { type BundleFigures, firstLoadBundle } from "./lib/web-bundle.js";

export interface DashboardResult {
  method: string;
  built: boolean;
  bundle: BundleFigures;
  deploymentListMs: { median: number; samples: number[] };
  jsTransferredForListKb: number;
  /** Gzip -9 of every JS file a cold load of each deep link fetched (the page's own chunks included). */
  deepLinkGzipKb?: Record<string, number>;
  /** Write → the line in the log view's DOM at 10 lines/s (a real browser through the BFF). */
  logLineOnPageMs?: Percentiles & { written: number };
  logView?: {
    linesPerSecond: number;
    seconds: number;
    frameMs: Percentiles;
    framesOver50Ms: number;
    fps: number;
  };
  errors: Record<string, string>;
}

const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Runs the dashboard figures (`quick`: no rebuild when a dist exists, 2 page loads, 3 s of logs). */
export async function benchDashboard(options: { quick: boolean }): Promise<DashboardResult> {
  const distDir = join(repoRoot, "apps/web/dist");
  let built = false;
  if (!options.quick || !existsSync(join(distDir, "index.html"))) {
    const r = spawnSync("npm", ["run", "build", "-w", "@berth/web"], { cwd: repoRoot, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`npm run build -w @berth/web failed: ${r.stderr.slice(-1000)}`);
    built = true;
  }
  const bundle = firstLoadBundle(distDir);
  const errors: Record<string, string> = {};
  const stack = await startBenchStack({ webDistDir: distDir });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: chromiumArgs,
  });
  try {
    const trivial = await deployBenchApp(stack, 1, "trivial");
    const logger = await deployBenchApp(stack, 1, "logger");
    // "localhost", as the quickstart opens it; the session comes from the login API (the form is the e2e suite's job).
    const base = stack.dashboardUrl.replace("127.0.0.1", "localhost");
    const tab = await signIn(stack.dashboardUrl, stack.token);
    const cookies = tab.cookie.split("; ").map((c) => {
      const eq = c.indexOf("=");
      return { name: c.slice(0, eq), value: c.slice(eq + 1), url: base };
    });
    void trivial;

    // 1. Deployment list: a fresh context (cold cache) per load; from navigation to the first row visible and the
    // search box enabled.
    const samples: number[] = [];
    let jsTransferred = 0;
    for (let i = 0; i < (options.quick ? 2 : 5); i++) {
      const context = await browser.newContext();
      await context.addCookies(cookies);
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`${base}/p/bench/a/trivial/deployments`);
      await page.getByTestId("deployment-row").first().waitFor({ state: "visible", timeout: 30_000 });
      await page.getByRole("searchbox", { name: /search deployments/i }).waitFor({ state: "visible" });
      samples.push(round(performance.now() - t0));
      jsTransferred = (await page.evaluate(
        `performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".js")).reduce((a, e) => a + e.encodedBodySize, 0)`,
      )) as number;
      await context.close();
    }

    // 1b. Cold deep links: the JS each one fetched (read from dist, gzip -9), once its page has rendered.
    const deepLinkGzipKb: Record<string, number> = {};
    for (const path of [
      "/p/bench/a/trivial",
      "/p/bench/a/trivial/deployments",
      "/p/bench/a/trivial/deployments/v1",
      "/p/bench/a/logger/logs",
    ]) {
      const context = await browser.newContext();
      await context.addCookies(cookies);
      const page = await context.newPage();
      await page.goto(`${base}${path}`);
      await page.getByRole("navigation", { name: "Breadcrumbs" }).waitFor({ timeout: 30_000 });
      await page.waitForSelector("text=/Loading|Signing in…/", { state: "detached", timeout: 30_000 });
      const files = (await page.evaluate(
        `performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).filter((p) => p.endsWith(".js"))`,
      )) as string[];
      deepLinkGzipKb[path] = round(
        files.reduce((a, f) => a + gzipSync(readFileSync(join(distDir, f)), { level: 9 }).length, 0) / 1024,
        1,
      );
      await context.close();
    }

    // 2. Frame times while the log view follows 5,000 lines/s.
    let logView: DashboardResult["logView"];
    let lineOnPage: DashboardResult["logLineOnPageMs"];
    try {
      const context = await browser.newContext();
      await context.addCookies(cookies);
      const page = await context.newPage();
      await page.goto(`${base}/p/bench/a/logger/logs?deployment=v1`);
      await page.getByTestId("log-view").waitFor({ state: "visible", timeout: 30_000 });
      const port = logger.instancePorts[0];

      // Write → shown on the page at 10 lines/s: a MutationObserver stamps each line when it enters the DOM.
      await page.evaluate(`(() => {
        window.__lat = [];
        const seen = new Set();
        new MutationObserver(() => {
          const at = performance.timeOrigin + performance.now();
          const text = document.querySelector('[data-testid="log-view"]').textContent;
          for (const m of text.matchAll(/slowui (\\d+) t=([\\d.]+)/g)) {
            if (seen.has(m[1])) continue;
            seen.add(m[1]);
            window.__lat.push(at - Number(m[2]));
          }
        }).observe(document.querySelector('[data-testid="log-view"]'), { childList: true, subtree: true, characterData: true });
      })()`);
      const slowSeconds = options.quick ? 4 : 10;
      await httpGet(`http://127.0.0.1:${port}/emit?rate=10&seconds=${slowSeconds}&tag=slowui`);
      await new Promise<void>((r) => setTimeout(r, slowSeconds * 1000 + 1500));
      const shown = ((await page.evaluate("window.__lat")) as number[]).slice(3);
      lineOnPage = { ...percentiles(shown), written: 10 * slowSeconds };

      const seconds = options.quick ? 3 : 5;
      const rate = 5000;
      // A string, not a function: tsx's transform would add helpers (__name) the page does not have.
      const frames = page.evaluate(`new Promise((resolve) => {
        const deltas = [];
        let last = performance.now();
        const end = last + ${seconds * 1000};
        const tick = (now) => {
          deltas.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else resolve(deltas);
        };
        requestAnimationFrame(tick);
      })`) as Promise<number[]>;
      await httpGet(`http://127.0.0.1:${port}/emit?rate=${rate}&seconds=${seconds}&tag=ui`);
      const deltas = (await frames).slice(1);
      logView = {
        linesPerSecond: rate,
        seconds,
        frameMs: percentiles(deltas),
        framesOver50Ms: deltas.filter((d) => d > 50).length,
        fps: round(deltas.length / seconds, 1),
      };
      await context.close();
    } catch (e) {
      errors.logView = e instanceof Error ? e.message : String(e);
    }
    return {
      method:
        "Bundle: apps/web/dist (`npm run build -w @berth/web`), index.html's module script and its static imports, " +
        "gzip -9. Deployment list: Chromium (/usr/bin/chromium, headless, playwright-core) with a session cookie, a " +
        "fresh context per load (cold cache), page.goto(/p/bench/a/trivial/deployments) until the first deployment " +
        "row and the search box are visible, through the BFF serving the SPA and the API. Log view: " +
        "/p/bench/a/logger/logs following bench/apps/logger: first 10 lines/s, each line timed from its write to a " +
        "MutationObserver seeing it in the log view; then 5,000 lines/s, requestAnimationFrame deltas. Deep links: a " +
        "fresh context per link, until the page has rendered; every .js resource it fetched, read from dist, gzip -9.",
      built,
      bundle,
      deploymentListMs: { median: round(median(samples)), samples },
      jsTransferredForListKb: Math.round(jsTransferred / 1024),
      deepLinkGzipKb,
      logView,
      logLineOnPageMs: lineOnPage,
      errors,
    };
  } finally {
    await browser.close();
    await stack.close();
  }
}
