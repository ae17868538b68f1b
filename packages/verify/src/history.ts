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

/**
 * What each probe answers: a sample's value is its probe's answer, or `{ error }` when the probe
 * itself failed, with `tookMs` either way. A new probe is its answer's shape here and its function in
 * PROBES (probes/probe-sampler.ts); the checkers and the report read the shape, never a cast.
 */
export interface ProbeAnswers {
  /** Each database node's view of the cluster: `leader` is the first node's that answered. */
  "patroni-leader": { leader: string | null; leaders: string[]; views: Record<string, string>; members: { name: string; role: string; state: string }[] };
  /** Each database node asked directly whether it takes writes. */
  "writable-primaries": { writable: string[]; readOnly: string[]; unreachable: string[]; errors?: Record<string, string> };
  /** The balancers that have the VIP on an interface. */
  "vip-holders": { holders: string[] };
  /** Each app node's filestore mount: { odoo1: "ok", odoo2: "unresponsive" }. */
  storage: Record<string, StorageState>;
  /** Each app node's /web/health: { odoo1: true, odoo2: false }. */
  "odoo-health": Record<string, boolean>;
  /** Completed runs of each cron job so far. */
  "cron-runs": { runs: Record<string, number> };
  /** The monitor nodes' alerts, each as "OdooNodeDown (odoo2)": firing, and pending (its `for` still running). */
  alerts: { firing: string[]; pending: string[] };
}

export type StorageState = "ok" | "unreachable" | "unresponsive" | "unmounted";

export type ProbeName = keyof ProbeAnswers;

/** A probe that did not answer (its own failure, or no answer within its bound). */
export interface ProbeFailure {
  error: string;
}

export interface ProbeSampleOf<Name extends ProbeName> {
  probe: Name;
  /** When the answer was complete; the probe started `value.tookMs` earlier, on its fixed grid. */
  at: number;
  value: (ProbeAnswers[Name] | ProbeFailure) & { tookMs: number };
}

export type ProbeSample = { [Name in ProbeName]: ProbeSampleOf<Name> }[ProbeName];

/** A sample whose probe answered. */
export type ProbeAnswerOf<Name extends ProbeName> = ProbeSampleOf<Name> & { value: ProbeAnswers[Name] & { tookMs: number } };

/** The samples of one probe that answered, in the order taken. */
export function answersOf<Name extends ProbeName>(samples: readonly ProbeSample[], probe: Name): ProbeAnswerOf<Name>[] {
  return samplesOf(samples, probe).filter((sample): sample is ProbeAnswerOf<Name> => !("error" in sample.value && typeof sample.value.error === "string"));
}

/** The samples of one probe, answered or not. */
export function samplesOf<Name extends ProbeName>(samples: readonly ProbeSample[], probe: Name): ProbeSampleOf<Name>[] {
  // (a sample's value is its probe's answer by construction: the sampler stores each under its probe's name)
  return (samples as readonly ProbeSampleOf<ProbeName>[]).filter((sample) => sample.probe === probe) as ProbeSampleOf<Name>[];
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
  /** When the fault took effect, where its action could tell (after injectedAt: reaching the node takes time). */
  landedAt?: number;
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
/** The run's timed cron wake-ups (workload/cron-wakeups.ts): each job, and when it was made due and the workers woken. */
export interface CronWakeupsRecord {
  /** Every job's name (and run-marker name) starts with this. */
  prefix: string;
  everySeconds: number;
  /** In release order; a wave the run ended before has no `releasedAt`. */
  waves: { job: string; releasedAt?: number; error?: string }[];
  /** Why its jobs could not be removed after the run (the next run removes them before it starts). */
  removeError?: string;
}

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
  /** Odoo's server log lines of the run's window, from the lab's log database (`odoo.logDatabase`); absent without one. */
  serverLog?: ServerLogLine[];
}

/** One line Odoo wrote to its log database (`ir_logging`), at the level it was configured for or above. */
export interface ServerLogLine {
  at: number;
  /** The machine that logged it (the lab's `host` column), when known. */
  host: string | null;
  /** The database the request or job served, when there was one. */
  database: string | null;
  logger: string;
  level: string;
  message: string;
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
  cronWakeups?: CronWakeupsRecord;
  /** The alert rules the lab's monitor nodes evaluate, when the run sampled their alerts. */
  alertRules?: string[];
}
