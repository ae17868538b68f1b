import { PORTS } from "@odoo-ha-lab/roles";
import { odooDatabaseCredentials } from "../lab-endpoints.ts";
import type { ProbeContext } from "./probe-context.ts";
import type { ProbeAnswers } from "../history.ts";

/**
 * Which PostgreSQL nodes accept writes right now, asked on each node directly (port 5432, not
 * through HAProxy): writable = not in recovery and transaction_read_only off. A node that does not
 * answer within the probe timeout cannot take a write from anyone at that instant, so it is not
 * counted as writable, but it is listed as unreachable. The session is kept between samples
 * (see KeptSqlSessions).
 */
export async function probeWritablePrimaries(context: ProbeContext): Promise<ProbeAnswers["writable-primaries"]> {
  const credentials = odooDatabaseCredentials(context.secrets);
  const answers = await Promise.all(
    context.endpoints.postgresNodes.map(async ({ name, address }) => {
      try {
        const [row] = await context.sqlSessions.query<{ recovery: boolean; read_only: string }>(
          { host: address, port: PORTS.postgres, database: "postgres", ...credentials },
          context.timeoutMs,
          "SELECT pg_is_in_recovery() AS recovery, current_setting('transaction_read_only') AS read_only",
        );
        return { name, state: row && !row.recovery && row.read_only === "off" ? "writable" : "read-only" } as const;
      } catch (error) {
        return { name, state: "unreachable", error: (error as Error).message } as const;
      }
    }),
  );
  const named = (state: string) => answers.filter((answer) => answer.state === state).map((answer) => answer.name);
  const errors: Record<string, string> = {};
  for (const answer of answers) if ("error" in answer && answer.error !== undefined) errors[answer.name] = answer.error;
  return { writable: named("writable"), readOnly: named("read-only"), unreachable: named("unreachable"), ...(Object.keys(errors).length > 0 ? { errors } : {}) };
}
