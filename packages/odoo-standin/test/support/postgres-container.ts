import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureDockerEngine, ensurePostgresImage, LABEL_KIND, LABEL_LAB } from "@odoo-ha-lab/docker";
import { PostgreSqlContainer } from "@testcontainers/postgresql";
import pg from "pg";
import type { PostgresTarget } from "./postgres.ts";

/**
 * A throw-away PostgreSQL 15 from the lab's own postgres image (@testcontainers/postgresql), with
 * the stand-in's role `odoo` (LOGIN CREATEDB, not a superuser) created in it. Used by the
 * integration tests' global setup and by the benchmark.
 */

const LABELS = { [LABEL_LAB]: "odoo-standin-tests", [LABEL_KIND]: "test-postgres" };
const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

export interface TestPostgres {
  target: PostgresTarget;
  stop(): Promise<void>;
}

export async function startTestPostgres(onProgress: (step: string) => void = () => {}): Promise<TestPostgres> {
  // Ryuk and the host-detection helper need images this machine cannot pull.
  process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "localhost";

  const image = await ensurePostgresImage({ onProgress });
  const container = await new PostgreSqlContainer(image)
    .withUsername("postgres")
    .withPassword("postgres-test")
    .withDatabase("postgres")
    .withLabels(LABELS)
    .withCommand(["postgres", "-c", "max_connections=400", "-c", "fsync=off", "-c", "synchronous_commit=off"])
    .start();

  const target: PostgresTarget = {
    host: container.getHost(),
    port: container.getPort(),
    superuser: "postgres",
    superpassword: "postgres-test",
    user: "odoo",
    password: "odoo-test",
  };
  const admin = new pg.Client({ host: target.host, port: target.port, user: target.superuser, password: target.superpassword, database: "postgres" });
  await admin.connect();
  await admin.query(`CREATE ROLE ${target.user} LOGIN CREATEDB PASSWORD '${target.password}'`);
  await admin.end();
  return { target, stop: async () => void (await container.stop()) };
}

/** Without Ryuk nothing reaps the container of a run that died: remove ours by label first. */
export async function removeLeftoverContainers(): Promise<void> {
  const docker = await ensureDockerEngine({ install: false });
  const stale = await docker.listContainers({ all: true, filters: { label: [`${LABEL_LAB}=${LABELS[LABEL_LAB]}`] } });
  await Promise.all(stale.map((info) => docker.getContainer(info.Id).remove({ force: true })));
}

/** node build.mjs: the tests and the benchmark run the bundle the lab image runs. */
export function buildBundle(): void {
  const build = spawnSync(process.execPath, ["build.mjs"], { cwd: PACKAGE_DIR, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`bundling the stand-in failed (node build.mjs in ${PACKAGE_DIR}):\n${build.stderr}${build.stdout}`);
}
