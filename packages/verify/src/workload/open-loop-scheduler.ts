import type { OpenLoopKind as OperationKind, Operation, Outcome } from "../history.ts";

/** What an operation body reports; the scheduler adds id, kind and the times. */
export interface OperationResult {
  outcome: Outcome;
  error?: string;
  servedBy?: string;
  key?: string;
  value?: string;
}

export interface OperationContext {
  id: number;
  /** Aborted when the client timeout expires or the run stops: the body must drop its I/O then. */
  signal: AbortSignal;
}

/** Runs one operation of a kind. It should not throw; if it does, the outcome is indeterminate (unknown effect). */
export type OperationBody = (kind: OperationKind, context: OperationContext) => Promise<OperationResult>;

export interface OpenLoopScheduleOptions {
  /** Operations per second, per kind. Kinds absent or at 0 are not run. */
  rates: Partial<Record<OperationKind, number>>;
  /** Client timeout of every operation: after it the operation is indeterminate, whatever the body does. */
  timeoutMs: number;
  /** No operation is fired after this long. */
  maxDurationMs: number;
  /**
   * At most this many operations of one kind in flight; one that would exceed it is recorded as
   * failed ("client saturated"). Per kind, so that one kind's hung operations (writes to a dead
   * primary) never take the share of another (reads from a live replica) and make the client
   * itself refuse them.
   */
  maxInFlight: number;
  /** Called once per recorded operation, in completion order. */
  onRecorded?: (operation: Operation) => void;
}

export const CLIENT_SATURATED = "client saturated";

/**
 * Fires each kind at fixed instants (start + n / rate) whether or not earlier operations completed,
 * so a slow or hung system cannot slow the load down and hide its own latency (no coordinated
 * omission). If the client itself falls behind (a blocked event loop), the missed instants fire at
 * once on the next tick, as the users who arrived meanwhile would.
 */
export class OpenLoopScheduler {
  private readonly operations: Operation[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private readonly next = new Map<OperationKind, number>();
  private readonly intervals = new Map<OperationKind, number>();
  private nextId = 1;
  private readonly inFlight = new Map<OperationKind, number>();
  private startedAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private firing = false;
  private firingDone: () => void = () => {};
  /** Resolves when the schedule has fired its last instant (maxDurationMs reached or stop()). */
  readonly firingEnded: Promise<void>;

  constructor(
    private readonly options: OpenLoopScheduleOptions,
    private readonly body: OperationBody,
  ) {
    for (const [kind, rate] of Object.entries(options.rates) as [OperationKind, number][]) {
      if (rate > 0) this.intervals.set(kind, 1000 / rate);
    }
    this.firingEnded = new Promise((resolve) => (this.firingDone = resolve));
  }

  /** Operations in flight, all kinds together. */
  get inFlightCount(): number {
    return [...this.inFlight.values()].reduce((sum, count) => sum + count, 0);
  }

  start(): void {
    if (this.firing || this.startedAt !== 0) throw new Error("OpenLoopScheduler.start() called twice");
    this.startedAt = Date.now();
    this.firing = true;
    // Kinds are offset within their first interval so they do not all fire on the same millisecond.
    let index = 0;
    for (const [kind, interval] of this.intervals) this.next.set(kind, this.startedAt + (interval * index++) / this.intervals.size);
    this.tick();
  }

  /** The operations completed so far, in completion order (the run's journal while it is being written). */
  completedSoFar(): readonly Operation[] {
    return this.operations;
  }

  /** Stops firing, aborts nothing in flight, and waits for every in-flight operation (each bounded by the timeout). */
  async stop(): Promise<Operation[]> {
    this.endFiring();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    return [...this.operations].sort((a, b) => a.invokedAt - b.invokedAt || a.id - b.id);
  }

  /** Stops firing and aborts in-flight operations (they are recorded as indeterminate). */
  async abort(): Promise<Operation[]> {
    this.endFiring();
    for (const controller of this.aborts) controller.abort(new Error("run aborted"));
    return this.stop();
  }

  private endFiring(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.firing) {
      this.firing = false;
      this.firingDone();
    }
  }

  private tick = (): void => {
    this.timer = undefined;
    if (!this.firing) return;
    const endAt = this.startedAt + this.options.maxDurationMs;
    const now = Date.now();
    for (const [kind, interval] of this.intervals) {
      let at = this.next.get(kind)!;
      while (at <= now && at < endAt) {
        this.fire(kind, at);
        at += interval;
      }
      this.next.set(kind, at);
    }
    const soonest = Math.min(...this.next.values());
    if (!(soonest < endAt)) {
      this.endFiring();
      return;
    }
    this.timer = setTimeout(this.tick, Math.max(0, soonest - Date.now()));
  };

  private fire(kind: OperationKind, scheduledAt: number): void {
    const id = this.nextId++;
    const inFlight = this.inFlight.get(kind) ?? 0;
    if (inFlight >= this.options.maxInFlight) {
      this.record({ id, kind, invokedAt: Math.round(scheduledAt), completedAt: Date.now(), outcome: "fail", error: CLIENT_SATURATED });
      return;
    }
    this.inFlight.set(kind, inFlight + 1);
    const controller = new AbortController();
    this.aborts.add(controller);
    const run = new Promise<OperationResult>((resolve) => {
      const timeout = setTimeout(() => {
        resolve({ outcome: "indeterminate", error: `client timeout after ${this.options.timeoutMs} ms` });
        controller.abort(new Error("client timeout"));
      }, this.options.timeoutMs);
      controller.signal.addEventListener("abort", () => {
        clearTimeout(timeout);
        resolve({ outcome: "indeterminate", error: `aborted: ${String((controller.signal.reason as Error | undefined)?.message ?? "")}` });
      });
      this.body(kind, { id, signal: controller.signal }).then(
        (result) => {
          clearTimeout(timeout);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timeout);
          resolve({ outcome: "indeterminate", error: `client error: ${(error as Error)?.message ?? String(error)}` });
        },
      );
    });
    const settled = run.then((result) => {
      this.inFlight.set(kind, this.inFlight.get(kind)! - 1);
      this.aborts.delete(controller);
      this.record({ id, kind, invokedAt: Math.round(scheduledAt), completedAt: Date.now(), ...result });
    });
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }

  private record(operation: Operation): void {
    this.operations.push(operation);
    this.options.onRecorded?.(operation);
  }
}
