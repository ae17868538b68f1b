/**
 * Odoo 17's cron schedule arithmetic (ir.cron._process_job): from the stored nextcall, count the
 * calls missed up to now, stepping one interval at a time, and the next call after now. Months
 * step like dateutil's relativedelta (Jan 31 + 1 month = Feb 28). Odoo does this in the job
 * user's time zone; the stand-in's users have none, so it is UTC.
 */

export const INTERVAL_TYPES = ["minutes", "hours", "days", "weeks", "months"] as const;
export type IntervalType = (typeof INTERVAL_TYPES)[number];

export function addInterval(date: Date, type: IntervalType, count: number): Date {
  const next = new Date(date.getTime());
  switch (type) {
    case "minutes":
      return new Date(date.getTime() + count * 60_000);
    case "hours":
      return new Date(date.getTime() + count * 3_600_000);
    case "days":
      return new Date(date.getTime() + count * 86_400_000);
    case "weeks":
      return new Date(date.getTime() + count * 7 * 86_400_000);
    case "months": {
      const monthIndex = date.getUTCMonth() + count;
      const year = date.getUTCFullYear() + Math.floor(monthIndex / 12);
      const month = ((monthIndex % 12) + 12) % 12;
      const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
      next.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
      return next;
    }
  }
}

export interface CronSchedule {
  /** How many calls were due between nextcall and now (0 when nextcall is still ahead). */
  missedCalls: number;
  /** The first call time strictly after now. */
  nextcall: Date;
}

export function scheduleAfter(nextcall: Date, now: Date, type: IntervalType, count: number): CronSchedule {
  if (count <= 0) throw new Error(`interval_number must be > 0 (got ${count})`);
  let call = nextcall;
  let missedCalls = 0;
  while (call.getTime() <= now.getTime()) {
    call = addInterval(call, type, count);
    missedCalls++;
  }
  return { missedCalls, nextcall: call };
}

/** How many times the job runs now: at least once; all missed calls only with doall. */
export function callsToRun(missedCalls: number, doall: boolean, numbercall: number): number {
  if (missedCalls === 0 || !doall) return 1;
  return numbercall === -1 ? missedCalls : Math.min(missedCalls, numbercall);
}

/** numbercall after the run: -1 stays "forever"; reaching 0 deactivates the job. */
export function callsLeft(numbercall: number, ran: number): number {
  return Math.max(numbercall - ran, -1);
}
