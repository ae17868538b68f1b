import type { TestProject } from "vitest/node";
import type { PostgresTarget } from "./postgres.ts";
import { buildBundle, removeLeftoverContainers, startTestPostgres } from "./postgres-container.ts";

/**
 * Integration tests run against a real PostgreSQL 15 (the lab's own postgres image, started with
 * @testcontainers/postgresql) and a fresh bundle of the stand-in, run as real processes.
 */

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresTarget;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildBundle();
  await removeLeftoverContainers();
  const postgres = await startTestPostgres((step) => console.log(`[global-setup] ${step}`));
  project.provide("postgres", postgres.target);
  return () => postgres.stop();
}
