import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.chaos.test.ts"],
    testTimeout: 900_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
