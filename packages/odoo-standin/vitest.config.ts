import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` (pure logic, fast) and `integration` (real PostgreSQL 15 in a container of
 * the lab's own image, real stand-in processes; slow, so long timeouts and one file at a time).
 */
export default defineConfig({
  test: {
    // Integration files each start several multi-process servers: one file at a time on two cores.
    fileParallelism: false,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.integration.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.integration.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
