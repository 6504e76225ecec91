import { defineConfig } from "vitest/config";

// Integration tests start real jam-server processes: run files in parallel workers, tests in a file
// one after another, with timeouts that are upper bounds for a loaded 2-core machine.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
