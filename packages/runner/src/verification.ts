import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { alertRules, type LabSecrets } from "@odoo-ha-lab/roles";
import type { Host } from "@odoo-ha-lab/machine";
import { nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import {
  BrowserWorkload,
  CronBacklog,
  CronWakeups,
  OpenLoopWorkload,
  PROBES,
  ProbeSampler,
  checkHistory,
  verifyFinalState,
  writeReport,
  type CheckerResult,
  type FaultEvent,
  type History,
  type OpenLoopKind,
  type PhaseMark,
  type ProbeName,
  type WrittenReport,
} from "@odoo-ha-lab/verify";
import type { ScenarioVerdict } from "./budgets.ts";
import { MAX_RUN_SECONDS, scenarioBrowser, type Scenario } from "./scenario-schema.ts";

/** What the verifier produced for one run: the history (the journal) and the checkers' results. */
export interface VerificationOutcome {
  history: History;
  results: CheckerResult[];
  report?: WrittenReport;
}

/** The verifier's side of a run: load and probes from the start, faults noted as they happen. */
export interface Verification {
  /** The lab's nodes to ask until finish(): what the run's watches sample is answered from them (WatchedHost). */
  hosts: ReadonlyMap<string, Host>;
  /** A `mark` step: records the instant (the first one releases the cron backlog first). */
  mark(label: string): Promise<void>;
  /** Until what users see is steady: the workload's last operations of each kind since `since` succeeded. */
  untilWorkloadSteady(kinds: readonly OpenLoopKind[], since: number, timeoutMs: number): Promise<void>;
  /**
   * Ends the load and the probes and judges the run. `faults`: this run's records from the fault
   * journal (injected, active, heal begun, healed), the one timeline of what was done to the lab.
   */
  finish(faults: readonly FaultEvent[]): Promise<VerificationOutcome>;
  writeReport(verdict: ScenarioVerdict): Promise<WrittenReport | undefined>;
}

export interface VerificationOptions {
  scenario: Scenario;
  topology: Topology;
  hosts: ReadonlyMap<string, Host>;
  secrets: LabSecrets;
  reportDir: string;
}

/** What a run of the scenario samples: every probe, but a backlog run's cron runs, which are all read back at the end (a per-job count every second would only bloat the history). */
export function scenarioProbes(scenario: Scenario, topology: Topology): ProbeName[] {
  const all = Object.keys(PROBES) as ProbeName[];
  const unused = new Set<ProbeName>([...(scenario.workload.cron ? ["cron-runs" as const] : []), ...(monitoredRules(topology) ? [] : ["alerts" as const])]);
  return all.filter((probe) => !unused.has(probe));
}

/** The alert rules of the lab's monitoring, or undefined on a lab that has no monitor node (nothing to sample). */
export function monitoredRules(topology: Topology): string[] | undefined {
  return nodesWithRole(topology, "monitor").length ? alertRules(topology).map((rule) => rule.name) : undefined;
}

const MAX_RUN_MS = MAX_RUN_SECONDS * 1000;
/** How long the run waits for the nodes' watches to answer before it starts the load anyway. */
const WATCHES_READY_MS = 10_000;

export async function startVerification(options: VerificationOptions): Promise<Verification> {
  const { scenario, topology, hosts, secrets } = options;
  const startedAt = Date.now();
  const workload = new OpenLoopWorkload({
    topology,
    secrets,
    rates: scenario.workload.rates as Partial<Record<OpenLoopKind, number>>,
    timeoutMs: scenario.workload.timeoutMs,
    maxDurationMs: MAX_RUN_MS,
  });
  const cron = scenario.workload.cron;
  const backlog = cron ? new CronBacklog({ topology, secrets, jobs: cron.jobs, workSeconds: cron.workSeconds }) : undefined;
  const timedWakeups = scenario.workload.cronWakeups;
  const wakeups = timedWakeups ? new CronWakeups({ topology, secrets, count: timedWakeups.count, everySeconds: timedWakeups.everySeconds }) : undefined;
  const probes = new ProbeSampler({ topology, hosts, secrets, maxDurationMs: MAX_RUN_MS, probes: scenarioProbes(scenario, topology) });
  const person = scenarioBrowser(scenario);
  // (the open-loop workload numbers its operations from 1; the browser's steps stay clear of them)
  const browser = person ? new BrowserWorkload({ topology, secrets, thinkSeconds: person.thinkSeconds, reportDir: options.reportDir, firstId: 10_000_000 }) : undefined;
  // Each prepares on its own (the browser's login and first pages take seconds): side by side.
  const preparing = await Promise.allSettled([backlog?.create(), wakeups?.create(), browser?.start(), workload.prepare()]);
  const failure = preparing.find((outcome) => outcome.status === "rejected");
  if (failure) {
    await browser?.stop(); // its Chromium would otherwise outlive the run
    throw failure.reason;
  }
  // The watches first: each starts a process on its node (~0.5 s of CPU for Python here), which
  // would otherwise land in the load's first seconds.
  probes.start();
  await probes.ready(WATCHES_READY_MS);
  await workload.start();
  wakeups?.start();
  const marks: PhaseMark[] = [];
  let outcome: VerificationOutcome | undefined;

  return {
    hosts: probes.watchedHosts(),
    async mark(label) {
      await backlog?.release();
      marks.push({ label, at: Date.now() });
    },
    untilWorkloadSteady(kinds, since, timeoutMs) {
      return workload.untilSteady(kinds, since, timeoutMs);
    },
    async finish(faults) {
      const [openLoop, steps, samples] = await Promise.all([workload.stop(), browser?.stop() ?? [], probes.stop()]);
      const operations = [...openLoop, ...steps];
      const endedAt = Date.now();
      // The next run must start from an empty queue (it also removes any leftovers before it starts).
      const removeError = await backlog?.remove().then(
        () => undefined,
        (error: Error) => `removing the backlog's jobs failed: ${error.message}`,
      );
      const wakeupsRemoveError = await wakeups?.remove().then(
        () => undefined,
        (error: Error) => `removing the wake-up jobs failed: ${error.message}`,
      );
      const finalState = await verifyFinalState({ topology, secrets, operations, since: startedAt });
      const history: History = { lab: topology.name, scenario: scenario.name, startedAt, endedAt, operations, probes: samples, faults: [...faults], finalState };
      if (marks.length > 0) history.marks = marks;
      const rules = monitoredRules(topology);
      if (rules) history.alertRules = rules;
      if (backlog) history.cronBacklog = { ...backlog.description, ...(removeError ? { removeError } : {}) };
      if (wakeups) history.cronWakeups = { ...wakeups.description, ...(wakeupsRemoveError ? { removeError: wakeupsRemoveError } : {}) };
      outcome = {
        history,
        results: checkHistory(history, {
          ...(cron ? { cronScaling: { settleSeconds: cron.settleSeconds } } : {}),
          ...(timedWakeups ? { cronWakeup: { withinSeconds: timedWakeups.withinSeconds } } : {}),
        }),
      };
      return outcome;
    },
    async writeReport(verdict) {
      if (!outcome) return undefined;
      outcome.report = await writeReport(outcome.history, outcome.results, options.reportDir);
      await writeFile(join(options.reportDir, "verdict.json"), `${JSON.stringify(verdict, null, 2)}\n`);
      return outcome.report;
    },
  };
}
