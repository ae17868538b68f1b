import { formatOdooDatetime } from "../models/fields.ts";
import { modelOf, type Env } from "../models/env.ts";
import { CURRENT_DBNAME, parseCronCode, SUPPORTED_FORM } from "./code-form.ts";

export interface CronJobIdentity {
  id: number;
  name: string;
}

/**
 * Runs a job's code in `env` (the job's own transaction, as the job's user). Real Odoo stores the
 * run marker's values verbatim (message 'cron run'); the stand-in appends which job ran, on which
 * host and process, and when, so the lab can tell runs apart without relying on timestamps:
 *   cron run [stand-in: job 'lab-cron-7' (ir.cron 12) on host app1, pid 4242, at 2026-11-21 10:00:00.123]
 */
export async function runCronCode(env: Env, job: CronJobIdentity, code: string): Promise<void> {
  const parsed = parseCronCode(code);
  if (!parsed.ok) throw new Error(`ir.cron ${job.id} holds code the stand-in cannot run (${parsed.problem}); the supported form is ${SUPPORTED_FORM}`);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.marker)) values[key] = value === CURRENT_DBNAME ? env.cr.dbname : value;
  const now = new Date();
  // The job's fixed work, in its own transaction as Odoo's env.cr.execute would run it.
  if (parsed.workSeconds !== undefined) await env.cr.query("SELECT pg_sleep($1)", [parsed.workSeconds]);
  values.message =
    `${values.message} [stand-in: job '${job.name}' (ir.cron ${job.id}) on host ${env.services.hostname}, pid ${process.pid}, ` +
    `at ${formatOdooDatetime(now)}.${String(now.getUTCMilliseconds()).padStart(3, "0")}]`;
  await modelOf(env, "ir.logging").create(env, [values]);
}
