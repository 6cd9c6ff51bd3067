import { fileURLToPath } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In dev the BFF (apps/bff, :9700) serves the API, the terminal socket and the session endpoints.
const bff = process.env.BERTH_BFF_URL ?? "http://127.0.0.1:9700";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: {
      // See src/lib/validate-descriptor-stub.ts: validation rules are the server's job, not the bundle's.
      "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js": fileURLToPath(
        new URL("./src/lib/validate-descriptor-stub.ts", import.meta.url),
      ),
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: bff, ws: true, changeOrigin: false },
      "/auth": { target: bff, changeOrigin: false },
    },
  },
  build: {
    outDir: "dist",
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 400,
  },
});
