import { defineConfig } from "vitest/config";

// One test run for the whole monorepo: Node projects, and the web app under jsdom.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: [
            "{apps,packages}/*/{src,test}/**/*.test.ts",
            "scripts/**/*.test.ts",
            "bench/src/**/*.test.ts",
          ],
          exclude: ["apps/web/**", "packages/ui/**", "**/node_modules/**"],
          environment: "node",
          // Tests spawn the real bins, which run the esbuild bundles: build them when missing or stale.
          globalSetup: ["scripts/bundle/vitest-global-setup.mjs"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      "apps/web/vitest.config.ts",
    ],
  },
});
