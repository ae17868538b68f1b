import { odooDatabaseCredentials } from "../lab-endpoints.ts";
import type { ProbeContext } from "./probe-context.ts";
import type { ProbeAnswers } from "../history.ts";

/** How many times each cron job has run so far: its run markers (ir_logging rows with path 'lab'), read on the primary. */
export async function probeCronRuns(context: ProbeContext): Promise<ProbeAnswers["cron-runs"]> {
  const { endpoints } = context;
  const rows = await context.sqlSessions.query<{ name: string; runs: number }>(
    { ...endpoints.readWrite, database: endpoints.database, ...odooDatabaseCredentials(context.secrets) },
    context.timeoutMs,
    "SELECT name, count(*)::int AS runs FROM ir_logging WHERE path = 'lab' GROUP BY name ORDER BY name",
  );
  return { runs: Object.fromEntries(rows.map((row) => [row.name, row.runs])) };
}
