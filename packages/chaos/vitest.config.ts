import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Integration tests drive a real lab: a failover or a node restart takes tens of seconds.
    testTimeout: 180_000,
    hookTimeout: 900_000,
    // One lab at a time: the files share an engine and a machine of two cores.
    fileParallelism: false,
  },
});
