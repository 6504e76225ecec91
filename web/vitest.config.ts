import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Three kinds of tests: components (happy-dom), integration (the real server driven by the official
// socket.io-client) and e2e (the real server serving the built page, driven in Chromium). Timeouts
// are upper bounds for a loaded 2-core machine.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [react()],
        test: { name: "components", include: ["src/**/*.test.tsx"], environment: "happy-dom" },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          environment: "node",
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
