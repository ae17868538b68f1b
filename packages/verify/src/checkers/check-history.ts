import type { CheckerResult } from "../checker-result.ts";
import { OPERATION_KINDS, WRITE_KINDS, type History, type OperationKind, type ProbeName } from "../history.ts";
import { alertsMetrics, checkAlerts } from "./alerts-checker.ts";
import { ATTACHMENTS_READABLE_METRICS, checkAttachmentsReadable } from "./attachments-readable-checker.ts";
import { BROWSER_METRICS, checkBrowser } from "./browser-checker.ts";
import { checkOdooErrors, ODOO_ERRORS_METRICS } from "./odoo-errors-checker.ts";
import { checkCron, cronMetrics, type ExpectedCronJob } from "./cron-checker.ts";
import { checkCronWakeup, CRON_WAKEUP_METRICS, type CronWakeupOptions } from "./cron-wakeup-checker.ts";
import { checkCronScaling, cronScalingMetrics, type CronScalingOptions } from "./cron-scaling-checker.ts";
import { checkLatency, LATENCY_METRICS, type LatencyOptions } from "./latency-checker.ts";
import { checkLostWrites, LOST_WRITES_METRICS } from "./lost-writes-checker.ts";
import { checkRecovery, RECOVERY_METRICS, type RecoveryOptions } from "./recovery-checker.ts";
import { checkSessionSurvival, SESSION_SURVIVAL_METRICS, type SessionSurvivalOptions } from "./session-survival-checker.ts";
import { checkSingleVipHolder, SINGLE_VIP_HOLDER_METRICS } from "./single-vip-holder-checker.ts";
import { checkSplitBrain, SPLIT_BRAIN_METRICS } from "./split-brain-checker.ts";
import { checkVipFailover, VIP_FAILOVER_METRICS } from "./vip-failover-checker.ts";

export interface CheckHistoryOptions {
  recovery?: Partial<Record<OperationKind, RecoveryOptions>>;
  latency?: Partial<Record<OperationKind, LatencyOptions>>;
  session?: SessionSurvivalOptions;
  /** Cron is checked only when jobs are given. */
  cronJobs?: ExpectedCronJob[];
  /** Cron scaling is checked when the run put a cron backlog on the lab. */
  cronScaling?: CronScalingOptions;
  /** Cron wake-ups are checked when the run made some. */
  cronWakeup?: CronWakeupOptions;
}

/**
 * What decides which checkers a run gets, known before it runs (from a scenario) or read from its
 * history afterwards: the operation kinds it ran, the probes it sampled, its cron backlog's phases.
 */
export interface RunPlan {
  kinds: readonly OperationKind[];
  probes: readonly ProbeName[];
  /** Cron jobs the cron checker expects (it runs only when some are given). */
  cronJobs: readonly ExpectedCronJob[];
  /** The phase labels of a cron backlog run (its marks); undefined: the run has no backlog. */
  cronPhases?: readonly string[];
  /** The run makes timed cron wake-ups. */
  cronWakeups?: boolean;
  /** The alert rules of the lab's monitor nodes, when the run samples their alerts. */
  alertRules?: readonly string[];
}

/** A checker a run gets: its result's name, the metrics it reports, and how it checks a history. */
export interface PlannedChecker {
  name: string;
  metrics: readonly string[];
  check(history: History, options: CheckHistoryOptions): CheckerResult;
}

/** Every checker that applies to a plan: per kind run, per probe sampled (the one place that decides). */
export function plannedCheckers(plan: RunPlan): PlannedChecker[] {
  const recovery = (kind: OperationKind): PlannedChecker => ({ name: `recovery:${kind}`, metrics: RECOVERY_METRICS, check: (history, options) => checkRecovery(history, kind, options.recovery?.[kind]) });
  const latency = (kind: OperationKind): PlannedChecker => ({ name: `latency:${kind}`, metrics: LATENCY_METRICS, check: (history, options) => checkLatency(history, kind, options.latency?.[kind]) });
  const when = (applies: boolean, checker: PlannedChecker): PlannedChecker[] => (applies ? [checker] : []);
  const sampled = (probe: ProbeName) => plan.probes.includes(probe);
  return [
    ...plan.kinds.map(recovery),
    ...plan.kinds.map(latency),
    ...when(plan.kinds.some((kind) => WRITE_KINDS.includes(kind)), { name: "lost-writes", metrics: LOST_WRITES_METRICS, check: (history) => checkLostWrites(history) }),
    ...when(sampled("writable-primaries"), { name: "split-brain", metrics: SPLIT_BRAIN_METRICS, check: (history) => checkSplitBrain(history) }),
    ...when(sampled("vip-holders"), { name: "single-vip-holder", metrics: SINGLE_VIP_HOLDER_METRICS, check: (history) => checkSingleVipHolder(history) }),
    ...when(sampled("vip-holders"), { name: "vip-failover", metrics: VIP_FAILOVER_METRICS, check: (history) => checkVipFailover(history) }),
    ...when(plan.kinds.includes("odoo.session.call"), { name: "session-survival", metrics: SESSION_SURVIVAL_METRICS, check: (history, options) => checkSessionSurvival(history, options.session) }),
    ...when(plan.kinds.some((kind) => kind.startsWith("odoo.")), { name: "odoo-errors", metrics: ODOO_ERRORS_METRICS, check: (history) => checkOdooErrors(history) }),
    ...when(plan.kinds.includes("browser.page"), { name: "browser", metrics: BROWSER_METRICS, check: (history) => checkBrowser(history) }),
    ...when(plan.kinds.includes("odoo.attachment.upload"), { name: "attachments-readable", metrics: ATTACHMENTS_READABLE_METRICS, check: (history) => checkAttachmentsReadable(history) }),
    ...when(plan.cronJobs.length > 0, { name: "cron", metrics: cronMetrics(plan.cronJobs), check: (history) => checkCron(history, { jobs: [...plan.cronJobs] }) }),
    ...when(plan.cronWakeups === true, { name: "cron-wakeup", metrics: CRON_WAKEUP_METRICS, check: (history, options) => checkCronWakeup(history, options.cronWakeup) }),
    ...when(sampled("alerts"), { name: "alerts", metrics: alertsMetrics(plan.alertRules ?? []), check: (history) => checkAlerts(history, plan.alertRules ?? []) }),
    ...when(plan.cronPhases !== undefined, { name: "cron-scaling", metrics: cronScalingMetrics(plan.cronPhases ?? []), check: (history, options) => checkCronScaling(history, options.cronScaling) }),
  ];
}

/** The plan a finished run followed, read from its history. */
export function planOfHistory(history: History, options: CheckHistoryOptions = {}): RunPlan {
  return {
    kinds: OPERATION_KINDS.filter((kind) => history.operations.some((op) => op.kind === kind)),
    probes: [...new Set(history.probes.map((sample) => sample.probe))],
    cronJobs: options.cronJobs ?? [],
    ...(history.cronWakeups ? { cronWakeups: true } : {}),
    ...(history.alertRules ? { alertRules: history.alertRules } : {}),
    ...(history.cronBacklog ? { cronPhases: [...(history.marks ?? [])].sort((a, b) => a.at - b.at).map((mark) => mark.label) } : {}),
  };
}

/** Every checker that applies to what the history holds. */
export function checkHistory(history: History, options: CheckHistoryOptions = {}): CheckerResult[] {
  return plannedCheckers(planOfHistory(history, options)).map((checker) => checker.check(history, options));
}
