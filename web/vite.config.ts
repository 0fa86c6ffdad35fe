// The editor is a static site: `npm run build` writes web/dist, which the local platform serves
// and CDK uploads to S3. `npm run dev` proxies /api to a running `wfaib dev` (WFAIB_API).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  base: "/",
  plugins: [react()],
  server: {
    fs: { allow: [".."] },
    proxy: { "/api": process.env.WFAIB_API ?? "http://127.0.0.1:8080" },
  },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  test: { include: ["src/**/*.test.ts"], environment: "node", globalSetup: ["./vitest.nodeTypes.ts"] },
});
