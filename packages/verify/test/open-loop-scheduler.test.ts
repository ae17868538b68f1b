import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLIENT_SATURATED, OpenLoopScheduler, type OperationBody } from "../src/workload/open-loop-scheduler.ts";

/** An operation that never completes and ignores its abort signal: the worst a hung server can do. */
const hangs: OperationBody = () => new Promise(() => {});

describe("OpenLoopScheduler", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("keeps firing at the set rate while every operation hangs", async () => {
    const invoked: number[] = [];
    const body: OperationBody = (kind, context) => {
      invoked.push(Date.now());
      return hangs(kind, context);
    };
    const scheduler = new OpenLoopScheduler({ rates: { "sql.write": 10 }, timeoutMs: 60_000, maxDurationMs: 5_000, maxInFlight: 1000 }, body);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(invoked.length).toBe(21); // t = 0, 100, ..., 2000 ms
    expect(scheduler.inFlightCount).toBe(21);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(invoked.length).toBe(50); // the schedule ends at 5 s: 0..4900 ms
    const gaps = invoked.slice(1).map((at, index) => at - invoked[index]!);
    expect(new Set(gaps)).toEqual(new Set([100]));

    // Hung operations end as indeterminate at their client timeout, so stop() is bounded.
    const stopped = scheduler.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    const operations = await stopped;
    expect(operations).toHaveLength(50);
    expect(operations.every((op) => op.outcome === "indeterminate" && op.error === "client timeout after 60000 ms")).toBe(true);
    expect(operations.map((op) => op.invokedAt)).toEqual(invoked);
  });

  it("records the operations the in-flight cap skips as failed, not dropped", async () => {
    const scheduler = new OpenLoopScheduler({ rates: { "odoo.login": 20 }, timeoutMs: 10_000, maxDurationMs: 1_000, maxInFlight: 5 }, hangs);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    const stopped = scheduler.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    const operations = await stopped;
    expect(operations).toHaveLength(20);
    expect(operations.filter((op) => op.outcome === "indeterminate")).toHaveLength(5);
    const saturated = operations.filter((op) => op.error === CLIENT_SATURATED);
    expect(saturated).toHaveLength(15);
    expect(saturated.every((op) => op.outcome === "fail")).toBe(true);
  });

  it("caps each kind on its own: one kind's hung operations never make the client refuse another's", async () => {
    const body: OperationBody = (kind, context) => (kind === "sql.write" ? hangs(kind, context) : Promise.resolve({ outcome: "ok" }));
    const scheduler = new OpenLoopScheduler({ rates: { "sql.write": 20, "sql.read": 10 }, timeoutMs: 10_000, maxDurationMs: 1_000, maxInFlight: 5 }, body);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    const stopped = scheduler.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    const operations = await stopped;
    const writes = operations.filter((op) => op.kind === "sql.write");
    const reads = operations.filter((op) => op.kind === "sql.read");
    expect(writes.filter((op) => op.error === CLIENT_SATURATED)).toHaveLength(15);
    expect(reads).toHaveLength(10);
    expect(reads.every((op) => op.outcome === "ok")).toBe(true);
  });

  it("fires each kind at its own rate and records what the bodies return", async () => {
    const body: OperationBody = async (kind, context) => ({ outcome: kind === "sql.write" ? "ok" : "fail", key: String(context.id), servedBy: "postgresql1" });
    const scheduler = new OpenLoopScheduler({ rates: { "sql.write": 4, "sql.read": 2, "odoo.login": 0 }, timeoutMs: 1_000, maxDurationMs: 2_000, maxInFlight: 10 }, body);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2_000);
    const operations = await scheduler.stop();
    expect(operations.filter((op) => op.kind === "sql.write")).toHaveLength(8);
    expect(operations.filter((op) => op.kind === "sql.read")).toHaveLength(4);
    expect(operations.filter((op) => op.kind === "odoo.login")).toHaveLength(0);
    expect(operations.filter((op) => op.kind === "sql.write").every((op) => op.outcome === "ok" && op.servedBy === "postgresql1")).toBe(true);
    expect(new Set(operations.map((op) => op.id)).size).toBe(12);
  });

  it("fires the instants it missed when the client itself was blocked", async () => {
    let calls = 0;
    const scheduler = new OpenLoopScheduler({ rates: { "sql.read": 10 }, timeoutMs: 100, maxDurationMs: 3_000, maxInFlight: 100 }, async () => {
      calls++;
      return { outcome: "ok" };
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toBe(6);
    // The event loop is blocked for a second: the clock moves, no timer runs (fake timers shift
    // the pending 600 ms timer along with the clock, so it now runs at 1600 ms).
    vi.setSystemTime(Date.now() + 1_000);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(17); // 0..500 ms, then 600..1600 ms at once
    const operations = await scheduler.stop();
    expect(operations).toHaveLength(17);
    expect(operations.map((op) => op.invokedAt - operations[0]!.invokedAt)).toEqual(Array.from({ length: 17 }, (_, index) => index * 100));
  });

  it("abort() ends a run at once, hung operations recorded as indeterminate", async () => {
    const scheduler = new OpenLoopScheduler({ rates: { "sql.write": 10 }, timeoutMs: 60_000, maxDurationMs: 60_000, maxInFlight: 100 }, hangs);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(450);
    const operations = await scheduler.abort();
    expect(operations).toHaveLength(5);
    expect(operations.every((op) => op.outcome === "indeterminate" && op.error === "aborted: run aborted")).toBe(true);
  });

  it("an operation body that throws is indeterminate: its effect is unknown", async () => {
    const scheduler = new OpenLoopScheduler({ rates: { "sql.write": 1 }, timeoutMs: 1_000, maxDurationMs: 1_000, maxInFlight: 1 }, async () => {
      throw new Error("boom");
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    const [operation] = await scheduler.stop();
    expect(operation).toMatchObject({ outcome: "indeterminate", error: "client error: boom" });
  });
});
