import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 300_000,
    hookTimeout: 1_800_000,
    // One lab at a time: the files share an engine and a machine of two cores.
    fileParallelism: false,
  },
});
