import { describe, expect, it } from "vitest";
import { addInterval, callsLeft, callsToRun, scheduleAfter } from "../src/cron/interval.ts";

const at = (text: string) => new Date(`${text}Z`);

describe("cron interval arithmetic", () => {
  it("adds each interval type", () => {
    const start = at("2026-01-31T10:00:00");
    expect(addInterval(start, "minutes", 5).toISOString()).toBe("2026-01-31T10:05:00.000Z");
    expect(addInterval(start, "hours", 2).toISOString()).toBe("2026-01-31T12:00:00.000Z");
    expect(addInterval(start, "days", 1).toISOString()).toBe("2026-02-01T10:00:00.000Z");
    expect(addInterval(start, "weeks", 1).toISOString()).toBe("2026-02-07T10:00:00.000Z");
  });

  it("adds months like relativedelta: the day is clamped to the month's end", () => {
    expect(addInterval(at("2026-01-31T10:00:00"), "months", 1).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(addInterval(at("2028-01-31T10:00:00"), "months", 1).toISOString()).toBe("2028-02-29T10:00:00.000Z");
    expect(addInterval(at("2026-11-30T00:00:00"), "months", 3).toISOString()).toBe("2027-02-28T00:00:00.000Z");
    expect(addInterval(at("2026-03-15T00:00:00"), "months", 12).toISOString()).toBe("2027-03-15T00:00:00.000Z");
  });

  it("counts missed calls and finds the next call after now, stepping from nextcall", () => {
    // nextcall 10:00, every 30 minutes, now 11:10: due at 10:00, 10:30, 11:00 -> next 11:30
    const schedule = scheduleAfter(at("2026-11-21T10:00:00"), at("2026-11-21T11:10:00"), "minutes", 30);
    expect(schedule.missedCalls).toBe(3);
    expect(schedule.nextcall.toISOString()).toBe("2026-11-21T11:30:00.000Z");
  });

  it("keeps nextcall when it is still ahead (a run from a trigger)", () => {
    const schedule = scheduleAfter(at("2026-11-21T12:00:00"), at("2026-11-21T11:00:00"), "hours", 1);
    expect(schedule).toEqual({ missedCalls: 0, nextcall: at("2026-11-21T12:00:00") });
  });

  it("counts a call due exactly now as missed (<=)", () => {
    expect(scheduleAfter(at("2026-11-21T11:00:00"), at("2026-11-21T11:00:00"), "hours", 1).missedCalls).toBe(1);
  });

  it("runs once, or every missed call with doall within numbercall", () => {
    expect(callsToRun(0, true, -1)).toBe(1);
    expect(callsToRun(5, false, -1)).toBe(1);
    expect(callsToRun(5, true, -1)).toBe(5);
    expect(callsToRun(5, true, 3)).toBe(3);
  });

  it("decrements numbercall, -1 meaning forever", () => {
    expect(callsLeft(-1, 1)).toBe(-1);
    expect(callsLeft(1, 1)).toBe(0);
    expect(callsLeft(3, 5)).toBe(-1);
    expect(callsLeft(10, 3)).toBe(7);
  });

  it("refuses a non-positive interval", () => {
    expect(() => scheduleAfter(at("2026-11-21T11:00:00"), at("2026-11-21T12:00:00"), "hours", 0)).toThrow(/interval_number must be > 0/);
  });
});
