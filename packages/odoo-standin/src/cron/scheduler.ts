import { envFor, type AppContext } from "../app-context.ts";
import type { Cursor } from "../db/cursor.ts";
import { sqlState } from "../db/errors.ts";
import { formatOdooDatetime, odooDatetimeToDate } from "../models/fields.ts";
import { callsLeft, callsToRun, scheduleAfter, type IntervalType } from "./interval.ts";
import { runCronCode } from "./run-code.ts";

/**
 * One pass of Odoo 17's ir.cron._process_jobs over the served database:
 *  1. in a REPEATABLE READ transaction ("cron_cr"), list the due jobs without locking;
 *  2. for each, take it with SELECT ... FOR NO KEY UPDATE SKIP LOCKED (locked: another worker runs
 *     it, skip; serialization failure: another worker just ran it, roll back and skip);
 *  3. run its code in a second transaction ("job_cr") while cron_cr keeps the row lock;
 *  4. in cron_cr, set nextcall/lastcall/numbercall/active, delete the consumed triggers, commit.
 * Two workers, on one server or many, can therefore never run the same due call twice.
 */

const LOGGER = "odoo.addons.base.models.ir_cron";

const DUE = `active = true AND numbercall != 0 AND (nextcall <= (now() at time zone 'UTC')`;

const READY_JOBS = `
  SELECT id FROM ir_cron
  WHERE ${DUE} OR id IN (SELECT cron_id FROM ir_cron_trigger WHERE call_at <= (now() at time zone 'UTC')))
  ORDER BY priority`;

const ACQUIRE_JOB = `
  SELECT * FROM ir_cron
  WHERE ${DUE} OR EXISTS (SELECT cron_id FROM ir_cron_trigger WHERE call_at <= (now() at time zone 'UTC') AND cron_id = ir_cron.id))
    AND id = $1
  ORDER BY priority
  LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED`;

interface JobRow {
  id: number;
  cron_name: string;
  code: string | null;
  user_id: number;
  active: boolean;
  interval_number: number;
  interval_type: IntervalType;
  numbercall: number;
  doall: boolean;
  nextcall: string;
}

export async function processJobs(app: AppContext): Promise<number> {
  const { cr, release } = await app.db.checkout();
  let failure: unknown;
  let ran = 0;
  try {
    await cr.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    const jobs = await cr.query<{ id: number }>(READY_JOBS);
    for (const { id } of jobs) {
      let job: JobRow | undefined;
      try {
        job = (await cr.query<JobRow & Record<string, unknown>>(ACQUIRE_JOB, [id]))[0];
      } catch (error) {
        if (sqlState(error) !== "40001") throw error;
        await restart(cr, "ROLLBACK");
        app.logger.log("DEBUG", LOGGER, `job ${id} has been processed by another worker, skip`);
        continue;
      }
      if (!job) {
        app.logger.log("DEBUG", LOGGER, `another worker is processing job ${id}, skip`);
        continue;
      }
      await processJob(app, cr, job);
      await restart(cr, "COMMIT");
      ran++;
    }
    await cr.query("COMMIT");
    return ran;
  } catch (error) {
    failure = error;
    await cr.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    release(failure);
  }
}

/** Ends cron_cr's transaction and opens the next one, as psycopg2 does implicitly after commit(). */
async function restart(cr: Cursor, end: "COMMIT" | "ROLLBACK"): Promise<void> {
  await cr.query(end);
  await cr.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
}

async function processJob(app: AppContext, cronCr: Cursor, job: JobRow): Promise<void> {
  const now = new Date();
  const schedule = scheduleAfter(odooDatetimeToDate(job.nextcall), now, job.interval_type, job.interval_number);
  const runs = callsToRun(schedule.missedCalls, job.doall, job.numbercall);
  const left = callsLeft(job.numbercall, runs);

  for (let call = 0; call < runs; call++) {
    const started = performance.now();
    app.logger.info(LOGGER, `Starting job \`${job.cron_name}\`.`);
    try {
      await app.db.transaction((jobCr) => runCronCode(envFor(app, jobCr, job.user_id, { lastcall: job.nextcall }), { id: job.id, name: job.cron_name }, job.code ?? ""), {
        retry: false,
      });
      app.logger.info(LOGGER, `Job done: \`${job.cron_name}\` (${((performance.now() - started) / 1000).toFixed(3)}s).`);
    } catch (error) {
      // Odoo rolls the job back, logs it and still moves nextcall on.
      app.logger.error(LOGGER, `Call from cron ${job.cron_name} for server action #${job.id} failed in Job #${job.id}: ${(error as Error).message}`);
    }
  }

  await cronCr.query(`UPDATE ir_cron SET nextcall = $1, numbercall = $2, lastcall = $3, active = $4 WHERE id = $5`, [
    formatOdooDatetime(schedule.nextcall),
    left,
    formatOdooDatetime(now),
    job.active && left !== 0,
    job.id,
  ]);
  await cronCr.query(`DELETE FROM ir_cron_trigger WHERE cron_id = $1 AND call_at < (now() at time zone 'UTC')`, [job.id]);
}
