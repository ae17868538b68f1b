import { faultSpecSchema, type FaultSpec } from "@odoo-ha-lab/chaos";
import { OPEN_LOOP_KINDS, type OpenLoopKind } from "@odoo-ha-lab/verify";
import { z } from "zod";

/**
 * A scenario file, as Chaos Toolkit shapes an experiment: a steady-state hypothesis checked before
 * and after, a method (faults and waits), rollbacks that always run (every fault is healed), and
 * budgets with numbers. Readable by a reviewer without reading code.
 */

export const CONDITIONS = [
  "single-primary", // exactly one Patroni leader, running
  "new-primary", // the leader differs from the one at the start of the method
  "replicas-streaming", // every other PostgreSQL node is a streaming replica
  "vip-held", // exactly one load balancer holds the VIP
  "vip-moved", // the VIP holder differs from the one at the start of the method
  "odoo-healthy", // every HTTP Odoo node answers /web/health
  "storage-mounted", // every Odoo node's filestore is mounted and responsive
  "no-alerts", // the lab's monitor nodes hold no alert, firing or pending (a lab with a monitor node only)
] as const;
export type Condition = (typeof CONDITIONS)[number];

/**
 * What a method step may also wait for: what users see, read from the run's own operations rather
 * than from the lab. Only a method can wait for it (before the run there are no operations).
 */
export const WORKLOAD_STEADY = "workload-steady"; // the last STEADY_OPERATIONS (3) of each named kind, invoked since the step began, succeeded

const unknownKind = (kind: unknown) =>
  kind === "browser.page"
    ? "browser.page is a person in a real browser, who takes a step, reads, then takes the next (a closed loop, not a rate): give workload.browser instead"
    : `unknown operation kind '${String(kind)}': use one of ${OPEN_LOOP_KINDS.join(", ")}`;
const isOperationKind = (value: unknown): value is OpenLoopKind => typeof value === "string" && (OPEN_LOOP_KINDS as readonly string[]).includes(value);
const operationKind = z.custom<OpenLoopKind>(isOperationKind, (value) => ({ message: unknownKind(value) }));

/** A condition of the lab itself: what a steady-state hypothesis or a recovery may ask. */
const labCondition = z.enum(CONDITIONS, {
  errorMap: (_issue, context) => {
    const hint = context.data === WORKLOAD_STEADY ? ` ('${WORKLOAD_STEADY}' reads the run's operations: only a method's until step can wait for it)` : "";
    return { message: `unknown condition '${String(context.data)}': use one of ${CONDITIONS.join(", ")}${hint}` };
  },
});

/** A condition of the lab a method step waits for (or workload-steady, with its kinds). */
const untilCondition = z.enum(CONDITIONS, {
  errorMap: (_issue, context) => ({ message: `unknown condition '${String(context.data)}': use one of ${CONDITIONS.join(", ")}, or ${WORKLOAD_STEADY} with its kinds` }),
});

/** What a step calls a fault (`as`) and heals it by: shown in the progress lines, the journal and the report. */
const faultName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "must match [a-z][a-z0-9-]*, at most 63 characters, e.g. primary-killed");

const stepSchema = z.union([
  z.object({ wait: z.number().min(0).max(600) }).strict(),
  /** A fault from the chaos catalogue; its nodes may be named by reference (see node-references.ts). */
  z.object({ inject: faultSpecSchema, as: faultName.optional() }).strict(),
  z.object({ heal: z.union([z.literal("all"), faultName]) }).strict(),
  z.object({ until: untilCondition, timeoutSeconds: z.number().min(1).max(600).default(60) }).strict(),
  /**
   * Users served again: `kinds` names the operations that must be steady (a kind the fault still
   * stops by design, such as reads from replicas while the only replica is the new primary, would
   * never be).
   */
  z
    .object({
      until: z.literal(WORKLOAD_STEADY),
      kinds: z.array(operationKind).min(1),
      timeoutSeconds: z.number().min(1).max(600).default(60),
    })
    .strict(),
  /**
   * A named instant: consecutive marks split the run into phases, which checkers measure apart (a
   * phase runs from its mark to the next; the last mark only ends the last phase). The first mark
   * also releases the cron backlog (workload.cron), so the first phase starts with a full queue.
   */
  z.object({ mark: z.union([z.string().min(1), z.number()]).transform(String) }).strict(),
]);

/** A person's pause between two steps in the browser (reading the page), unless a scenario says otherwise. */
const BROWSER_THINK_SECONDS = 2;

/** Past this, a budget's bound judges nothing: a run lasts at most 10 minutes. */
const MAX_BUDGET_BOUND = 1e7;

const budgetSchema = z
  .object({
    /** A checker name, e.g. "recovery:sql.write", "lost-writes", "split-brain". */
    checker: z.string(),
    /** A metric of that checker compared with max/min; without one, the checker itself must pass. */
    metric: z.string().optional(),
    max: z.number().optional(),
    min: z.number().optional(),
    /**
     * With `--repeat`: "every" run must hold the bound (the default: right for invariants such as lost
     * writes), or the "median" of the runs must (right for timings, which have a spread).
     */
    over: z.enum(["every", "median"]).default("every"),
  })
  .strict()
  .superRefine((budget, context) => {
    // A metric without a bound is compared with nothing: the budget would always hold.
    if (budget.metric !== undefined && budget.max === undefined && budget.min === undefined) context.addIssue({ code: z.ZodIssueCode.custom, path: ["max"], message: `a budget on ${budget.checker}.${budget.metric} needs a bound: add max (or min)` });
    if (budget.metric === undefined && (budget.max !== undefined || budget.min !== undefined)) context.addIssue({ code: z.ZodIssueCode.custom, path: ["metric"], message: `a bound needs a metric of ${budget.checker} to compare: add metric (or drop max/min to require that the checker passes)` });
    if (budget.max !== undefined && budget.min !== undefined && budget.min > budget.max) context.addIssue({ code: z.ZodIssueCode.custom, path: ["min"], message: `min ${budget.min} is above max ${budget.max}: no measurement can hold both` });
    for (const bound of ["max", "min"] as const) {
      const value = budget[bound];
      if (value === undefined) continue;
      // A run lasts at most 10 minutes: no count, second or millisecond it measures comes near this.
      if (!Number.isFinite(value) || Math.abs(value) >= MAX_BUDGET_BOUND) context.addIssue({ code: z.ZodIssueCode.custom, path: [bound], message: `${bound} ${value} is beyond anything a run measures (a run lasts at most 10 minutes), so the budget judges nothing: give the number the mechanism allows (docs/chaos.md)` });
    }
    // Every metric is a count, a duration or a ratio: 0 or more.
    if (budget.max !== undefined && budget.max < 0) context.addIssue({ code: z.ZodIssueCode.custom, path: ["max"], message: `max ${budget.max} can never hold: every metric is 0 or more (max: 0 for "none at all")` });
  });

export const scenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "must match [a-z][a-z0-9-]*, at most 63 characters (it names the file and the report folder), and be the file's name without .yaml"),
    description: z.string(),
    /** Topology file relative to the repository root: each distinct topology runs as a lab of its own. */
    topology: z
      .string()
      .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+\.ya?ml$/, "must be a YAML file's path relative to the repository root, inside it (no leading / and no ..), e.g. labs/odoo-ha/topology.yaml")
      .default("labs/odoo-ha/topology.yaml"),
    /**
     * `reuse` (default): the run and the gate take the lab as the scenarios before left it, brought
     * back to its topology by `up` and to its steady state by the run's own check. `fresh`: the lab
     * is taken down and brought up new before this scenario, for one whose verdict depends on what
     * happened to the lab before (`--fresh-lab` does it for any scenario).
     */
    lab: z.enum(["reuse", "fresh"]).default("reuse"),
    workload: z
      .object({
        /** Operations per second by kind (open loop). */
        rates: z.record(z.string(), z.number().min(0).max(200)).superRefine((rates, context) => {
          // A misspelt kind would otherwise run nothing, and its budget would find nothing to measure.
          for (const kind of Object.keys(rates)) {
            if (!isOperationKind(kind)) context.addIssue({ code: z.ZodIssueCode.custom, path: [kind], message: unknownKind(kind) });
          }
        }),
        timeoutMs: z.number().int().min(100).max(30_000).default(2000),
        /**
         * A stream of due cron jobs: `jobs` one-shot ir.cron records, each spending `workSeconds` in
         * the database (so throughput is bounded by cron workers, not CPU), created before the method
         * and released at its first `mark`. Checked by `cron-scaling`; `settleSeconds` of each phase
         * are not measured (workers just started are still connecting).
         */
        /**
         * A person in a real browser (Debian's Chromium) using Odoo's web client through the VIP for
         * the whole run: logs in, opens the contacts, saves a record, and again after `thinkSeconds`
         * (checked by `browser`). Every scenario with Odoo traffic has one unless it says `false`.
         */
        browser: z
          .union([z.literal(false), z.object({ thinkSeconds: z.number().min(0.5).max(60).default(BROWSER_THINK_SECONDS) }).strict()])
          .optional(),
        cron: z
          .object({
            jobs: z.number().int().min(1).max(5000),
            workSeconds: z.number().gt(0).max(60).default(0.5),
            settleSeconds: z.number().min(0).max(60).default(5),
          })
          .strict()
          .optional(),
        /**
         * Timed cron wake-ups, as Odoo's code asks for a cron run now (ir.cron._trigger): from the
         * start of the method, every `everySeconds` one one-shot job is made due and the cron
         * workers are woken (NOTIFY cron_trigger), `count` times. Checked by `cron-wakeup`: each job
         * ran within `withinSeconds` of its wake-up. Let the method last count × everySeconds.
         */
        cronWakeups: z
          .object({
            count: z.number().int().min(1).max(100),
            everySeconds: z.number().min(1).max(120).default(10),
            withinSeconds: z.number().gt(0).max(120).default(5),
          })
          .strict()
          .optional(),
      })
      .strict(),
    /** Checked before and after the method; an empty list would check nothing. */
    "steady-state": z.array(labCondition).min(1, "name at least one condition (an empty steady state checks nothing)").default(["single-primary", "replicas-streaming", "vip-held", "odoo-healthy", "storage-mounted"]),
    method: z.array(stepSchema).min(1),
    /** After the rollbacks healed everything: wait for these before the final verification. */
    recovery: z.array(labCondition).default([]),
    recoveryTimeoutSeconds: z.number().min(1).max(600).default(120),
    budgets: z.array(budgetSchema).default([]),
    /**
     * A negative control names the checkers that must report a violation: the run passes only if
     * they do (proving those checkers can fail).
     */
    expect: z
      .union([z.literal("pass"), z.object({ violated: z.array(z.string()).min(1) }).strict()])
      .default("pass"),
  })
  .strict()
  .superRefine((scenario, context) => {
    // The workload and the probes stop after MAX_RUN_SECONDS whatever the method does: a longer
    // method would go on judging a lab nobody loads any more.
    const method = scenario.method.reduce((sum, step) => sum + ("wait" in step ? step.wait : "until" in step ? step.timeoutSeconds : 0), 0);
    const longest = method + scenario.recoveryTimeoutSeconds;
    if (longest > MAX_RUN_SECONDS) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ["method"], message: `the method may take ${method} s (its waits and until timeouts) and the recovery ${scenario.recoveryTimeoutSeconds} s: ${longest} s, past the ${MAX_RUN_SECONDS} s a run loads the lab; shorten the waits or the timeouts` });
    }
  });

/** A run never loads the lab longer than this, whatever its scenario says. */
export const MAX_RUN_SECONDS = 600;

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioStep = Scenario["method"][number];
export type ScenarioFault = FaultSpec;
export type Budget = Scenario["budgets"][number];

/** The scenario's browser user: on wherever Odoo has traffic, unless `workload.browser: false`. */
export function scenarioBrowser(scenario: Scenario): { thinkSeconds: number } | undefined {
  const { browser, rates } = scenario.workload;
  if (browser === false) return undefined;
  const odooTraffic = Object.entries(rates).some(([kind, rate]) => kind.startsWith("odoo.") && rate > 0);
  return browser ?? (odooTraffic ? { thinkSeconds: BROWSER_THINK_SECONDS } : undefined);
}
