import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineProject } from "vitest/config";

// Component and unit tests of the dashboard and its shared UI, in jsdom.
export default defineProject({
  plugins: [react()],
  resolve: {
    alias: {
      // The same descriptor stub as the production bundle, so tests exercise what ships.
      "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js": fileURLToPath(
        new URL("./src/lib/validate-descriptor-stub.ts", import.meta.url),
      ),
    },
  },
  test: {
    name: "web",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["apps/web/src/**/*.test.{ts,tsx}", "packages/ui/src/**/*.test.{ts,tsx}"],
    environment: "jsdom",
    setupFiles: [fileURLToPath(new URL("./src/test/setup.ts", import.meta.url))],
    testTimeout: 10_000,
  },
});
