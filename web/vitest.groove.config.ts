import { defineConfig } from "vitest/config";

// The groove timing benchmark (bench/groove.sh), kept out of the test suite: its goals are for a
// quiet machine, and a benchmark is not a timed test.
export default defineConfig({
  test: {
    name: "groove-timing",
    include: ["e2e/groove.timing.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
