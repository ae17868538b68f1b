export * from "./checker-result.ts";
export * from "./history.ts";
export { labEndpoints, type LabEndpoints } from "./lab-endpoints.ts";

export { OpenLoopWorkload, type OpenLoopWorkloadOptions } from "./workload/open-loop-workload.ts";
export { BrowserWorkload, describeStep, type BrowserWorkloadOptions } from "./workload/browser-workload.ts";
export { OpenLoopScheduler, CLIENT_SATURATED, type OpenLoopScheduleOptions, type OperationBody, type OperationContext, type OperationResult } from "./workload/open-loop-scheduler.ts";
export { SQL_WRITES_TABLE } from "./workload/sql-operations.ts";
export { STEADY_OPERATIONS, workloadSteadyProblem } from "./workload/workload-steady.ts";
export { CronBacklog, CRON_BACKLOG_PREFIX, type CronBacklogOptions } from "./workload/cron-backlog.ts";
export { CronWakeups, CRON_WAKEUP_PREFIX, type CronWakeupsOptions } from "./workload/cron-wakeups.ts";

export { ProbeSampler, PROBES, type ProbeSamplerOptions } from "./probes/probe-sampler.ts";
export type { Probe, ProbeContext } from "./probes/probe-context.ts";

export { verifyFinalState, type VerifyFinalStateOptions } from "./final/verify-final-state.ts";

export { checkRecovery, type RecoveryOptions } from "./checkers/recovery-checker.ts";
export { checkLostWrites } from "./checkers/lost-writes-checker.ts";
export { checkSplitBrain } from "./checkers/split-brain-checker.ts";
export { checkSingleVipHolder } from "./checkers/single-vip-holder-checker.ts";
export { checkVipFailover } from "./checkers/vip-failover-checker.ts";
export { checkSessionSurvival, type SessionSurvivalOptions } from "./checkers/session-survival-checker.ts";
export { checkAttachmentsReadable } from "./checkers/attachments-readable-checker.ts";
export { checkBrowser } from "./checkers/browser-checker.ts";
export { checkOdooErrors, classifyOdooFailure } from "./checkers/odoo-errors-checker.ts";
export { checkCron, type CronOptions, type ExpectedCronJob } from "./checkers/cron-checker.ts";
export { checkCronScaling, type CronScalingOptions } from "./checkers/cron-scaling-checker.ts";
export { checkCronWakeup, type CronWakeupOptions } from "./checkers/cron-wakeup-checker.ts";
export { checkLatency, type LatencyOptions } from "./checkers/latency-checker.ts";
export { checkAlerts, alertsMetrics } from "./checkers/alerts-checker.ts";
export { checkHistory, planOfHistory, plannedCheckers, type CheckHistoryOptions, type PlannedChecker, type RunPlan } from "./checkers/check-history.ts";

export { writeReport, type WrittenReport } from "./report/write-report.ts";
export { buildTimeline, type TimelineData } from "./report/timeline.ts";

export { BrowserUser, DEBIAN_CHROMIUM, ensureChromium, type BrowserStep, type BrowserUserOptions } from "./browser/browser-user.ts";
