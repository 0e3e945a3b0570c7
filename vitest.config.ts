import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "base/**/*.test.ts", "compiler/**/*.test.ts", "backends/**/*.test.ts", "runtime/**/*.test.ts", "tooling/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // 2-core CI machines: forks keep worker_threads-based runtime tests isolated.
    pool: "forks",
  },
});
