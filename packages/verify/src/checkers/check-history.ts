import type { CheckerResult } from "../checker-result.ts";
import { OPERATION_KINDS, WRITE_KINDS, type History, type OperationKind } from "../history.ts";
import { checkAttachmentsReadable } from "./attachments-readable-checker.ts";
import { checkCron, type ExpectedCronJob } from "./cron-checker.ts";
import { checkCronScaling, type CronScalingOptions } from "./cron-scaling-checker.ts";
import { checkLatency, type LatencyOptions } from "./latency-checker.ts";
import { checkLostWrites } from "./lost-writes-checker.ts";
import { checkRecovery, type RecoveryOptions } from "./recovery-checker.ts";
import { checkSessionSurvival, type SessionSurvivalOptions } from "./session-survival-checker.ts";
import { checkSingleVipHolder } from "./single-vip-holder-checker.ts";
import { checkSplitBrain } from "./split-brain-checker.ts";
import { checkVipFailover } from "./vip-failover-checker.ts";

export interface CheckHistoryOptions {
  recovery?: Partial<Record<OperationKind, RecoveryOptions>>;
  latency?: Partial<Record<OperationKind, LatencyOptions>>;
  session?: SessionSurvivalOptions;
  /** Cron is checked only when jobs are given. */
  cronJobs?: ExpectedCronJob[];
  /** Cron scaling is checked when the run put a cron backlog on the lab. */
  cronScaling?: CronScalingOptions;
}

/** Every checker that applies to what the history holds: per kind run, per probe sampled. */
export function checkHistory(history: History, options: CheckHistoryOptions = {}): CheckerResult[] {
  const kinds = OPERATION_KINDS.filter((kind) => history.operations.some((op) => op.kind === kind));
  const sampled = (probe: string) => history.probes.some((sample) => sample.probe === probe);
  return [
    ...kinds.map((kind) => checkRecovery(history, kind, options.recovery?.[kind])),
    ...kinds.map((kind) => checkLatency(history, kind, options.latency?.[kind])),
    ...(kinds.some((kind) => WRITE_KINDS.includes(kind)) ? [checkLostWrites(history)] : []),
    ...(sampled("writable-primaries") ? [checkSplitBrain(history)] : []),
    ...(sampled("vip-holders") ? [checkSingleVipHolder(history), checkVipFailover(history)] : []),
    ...(kinds.includes("odoo.session.call") ? [checkSessionSurvival(history, options.session)] : []),
    ...(kinds.includes("odoo.attachment.upload") ? [checkAttachmentsReadable(history)] : []),
    ...(options.cronJobs && options.cronJobs.length > 0 ? [checkCron(history, { jobs: options.cronJobs })] : []),
    ...(history.cronBacklog ? [checkCronScaling(history, options.cronScaling)] : []),
  ];
}
