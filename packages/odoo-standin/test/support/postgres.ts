import { randomBytes } from "node:crypto";
import pg from "pg";

/** Where the integration tests' PostgreSQL is, and the two roles they use. */
export interface PostgresTarget {
  host: string;
  port: number;
  /** For the test's own checks and faults (pg_terminate_backend, NOTIFY, bulk inserts). */
  superuser: string;
  superpassword: string;
  /** The stand-in's role: LOGIN CREATEDB, like the lab's odoo role. */
  user: string;
  password: string;
}

/** A database name no other test uses, so test files cannot see each other's data. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${randomBytes(3).toString("hex")}`;
}

/** A superuser connection to one database; close it with `end()`. */
export async function superuserClient(target: PostgresTarget, database: string): Promise<pg.Client> {
  const client = new pg.Client({ host: target.host, port: target.port, user: target.superuser, password: target.superpassword, database });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** Runs one statement as superuser and closes the connection. */
export async function superuserQuery<Row extends Record<string, unknown> = Record<string, unknown>>(
  target: PostgresTarget,
  database: string,
  text: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = await superuserClient(target, database);
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}
