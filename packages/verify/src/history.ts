/**
 * The history of a run, as Jepsen keeps one: every operation with its invocation and completion,
 * every probe sample, every fault. Checkers read only this; they know nothing of how a fault was made.
 * Times are epoch milliseconds.
 */
/** What the open-loop workload fires at fixed rates (a scenario's `workload.rates`). */
export type OpenLoopKind =
  | "odoo.login"
  | "odoo.partner.write"
  | "odoo.partner.read"
  | "odoo.attachment.upload"
  | "odoo.attachment.download"
  | "odoo.session.call"
  | "sql.write"
  | "sql.read"
  | "sql.transaction";

export const OPEN_LOOP_KINDS: readonly OpenLoopKind[] = [
  "odoo.login",
  "odoo.partner.write",
  "odoo.partner.read",
  "odoo.attachment.upload",
  "odoo.attachment.download",
  "odoo.session.call",
  "sql.write",
  "sql.read",
  "sql.transaction",
];

/** `browser.page`: one step of a person in a real browser (closed loop: a step, a pause, the next; `workload.browser`). */
export type OperationKind = OpenLoopKind | "browser.page";

export const OPERATION_KINDS: readonly OperationKind[] = [...OPEN_LOOP_KINDS, "browser.page"];

/** The kinds whose acknowledgement promises that something was stored: final verification reads them back. */
export const WRITE_KINDS: readonly OperationKind[] = ["sql.write", "odoo.partner.write", "odoo.attachment.upload"];

/** ok: acknowledged; fail: definitely not done; indeterminate: timed out or the connection died mid-call. */
export type Outcome = "ok" | "fail" | "indeterminate";

export interface Operation {
  id: number;
  kind: OperationKind;
  /** The instant the open-loop schedule fired it (latency counts from here, so a slow client shows). */
  invokedAt: number;
  completedAt: number;
  outcome: Outcome;
  error?: string;
  /** Which node served it (database server address/name, or Odoo backend), when known. */
  servedBy?: string;
  /** What was written or read: a write's key (to find it again), a read's result summary. */
  key?: string;
  value?: string;
  /** A browser step's: what the person was shown. */
  shown?: BrowserShown;
}

/** What a browser step showed the person (browser.page operations). */
export interface BrowserShown {
  /** Answers of 400 or more and requests with no answer: the page missing part of itself. */
  broken: string[];
  /** The web client's error dialogs ("Odoo Server Error", "Odoo Session Expired", ...). */
  dialogs: string[];
  /** Its notices ("Connection lost. Trying to reconnect..."). */
  notices: string[];
  /** Sent back to the login page. */
  loggedOut: boolean;
  /** The screenshot, relative to the report's folder. */
  screenshot?: string;
}

export type ProbeName = "patroni-leader" | "writable-primaries" | "vip-holders" | "storage" | "odoo-health" | "cron-runs";

export interface ProbeSample {
  probe: ProbeName;
  /** When the answer was complete; the probe started `value.tookMs` earlier, on its fixed grid. */
  at: number;
  /**
   * e.g. { leader: "postgresql1" }, { writable: ["postgresql1"], readOnly: [], unreachable: [] },
   * { holders: ["lb1"] }, { odoo1: true }; { error: "..." } when the probe itself failed.
   */
  value: Record<string, unknown>;
}

/**
 * A fault of the run, as the chaos injector's journal records it (its FaultRecord holds every field
 * here, and the spec, notes and errors besides): the journal is the one timeline of what was done to
 * the lab, and a run's history holds its records.
 */
export interface FaultEvent {
  id: string;
  description: string;
  injectedAt: number;
  /**
   * When the heal began. A heal can take seconds (a powered-off host boots) and what fails during it
   * is the heal's doing (an old primary returning), so "while faulted" ends here, not at `healedAt`.
   */
  healStartedAt?: number;
  healedAt?: number;
}

/** What the final verification found for one acknowledged (or indeterminate) write, through one path. */
/** `duplicated`: the write took effect more than once (e.g. a request replayed on another server). */
export type FinalReadStatus = "present" | "missing" | "different" | "duplicated" | "unreadable";

export interface FinalRead {
  /** The write operation this read checks. */
  opId: number;
  kind: OperationKind;
  key: string;
  /** "database" (the primary, over SQL) or "app" (an Odoo node, over JSON-RPC, bypassing the load balancer). */
  path: "database" | "app";
  /** The node read from: the primary's or the app node's name. */
  via: string;
  status: FinalReadStatus;
  detail?: string;
}

/** One run of a cron job, from its run marker (an ir_logging row with path 'lab'). */
export interface CronRun {
  job: string;
  at: number;
  /** "node/pid" of the cron worker that ran it, when the marker names it. */
  worker?: string;
}

/** A named instant of the method (a `mark` step): consecutive marks delimit the phases of a run. */
export interface PhaseMark {
  label: string;
  at: number;
}

/** The queue of one-shot cron jobs a run put on the lab (workload.cron), made due at `releasedAt`. */
export interface CronBacklogRecord {
  /** Every job's name (and run-marker name) starts with this. */
  prefix: string;
  jobs: number;
  /** The fixed time each job spends in the database (pg_sleep). */
  workSeconds: number;
  createdAt: number;
  releasedAt?: number;
  /** Why its jobs could not be removed after the run (the next run removes them before it starts). */
  removeError?: string;
  /**
   * Jobs of an earlier run that stayed locked and could not be removed before this one started. A
   * locked job is run by nobody else, so it takes no worker from this run; it is recorded, not fatal.
   */
  leftoversStillHeld?: string;
}

/** The read-back after method and heal: every acknowledged write, through every path that must show it. */
export interface FinalState {
  checkedAt: number;
  /** The node that accepted writes when the check ran (where SQL ids were looked up). */
  primary: string | undefined;
  /** The app nodes read from directly. */
  appNodes: string[];
  reads: FinalRead[];
  cronRuns: CronRun[];
  /** What could not be checked at all (e.g. no primary reachable), in words a user can act on. */
  errors: string[];
}

export interface History {
  lab: string;
  scenario: string;
  startedAt: number;
  endedAt: number;
  operations: Operation[];
  probes: ProbeSample[];
  faults: FaultEvent[];
  /** Set by verifyFinalState; checkers of acknowledged writes fail without it. */
  finalState?: FinalState;
  /** The method's `mark` steps, in order. */
  marks?: PhaseMark[];
  /** Set when the run put a cron backlog on the lab. */
  cronBacklog?: CronBacklogRecord;
}
