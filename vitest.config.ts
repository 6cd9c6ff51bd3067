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
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      "apps/web/vitest.config.ts",
    ],
  },
});
