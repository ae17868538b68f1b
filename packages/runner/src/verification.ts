import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LabSecrets, Host } from "@odoo-ha-lab/roles";
import type { Topology } from "@odoo-ha-lab/topology";
import {
  OpenLoopWorkload,
  ProbeSampler,
  checkHistory,
  verifyFinalState,
  writeReport,
  type CheckerResult,
  type FaultEvent,
  type History,
  type OperationKind,
  type WrittenReport,
} from "@odoo-ha-lab/verify";
import type { ScenarioVerdict } from "./budgets.ts";
import type { Scenario } from "./scenario-schema.ts";

/** What the verifier produced for one run: the history (the journal) and the checkers' results. */
export interface VerificationOutcome {
  history: History;
  results: CheckerResult[];
  report?: WrittenReport;
}

/** The verifier's side of a run: load and probes from the start, faults noted as they happen. */
export interface Verification {
  faultInjected(id: string, description: string, at: number): void;
  faultHealed(id: string, at: number): void;
  finish(): Promise<VerificationOutcome>;
  writeReport(verdict: ScenarioVerdict): Promise<WrittenReport | undefined>;
}

export interface VerificationOptions {
  scenario: Scenario;
  topology: Topology;
  hosts: ReadonlyMap<string, Host>;
  secrets: LabSecrets;
  reportDir: string;
}

/** A run never loads the lab longer than this, whatever the scenario says. */
const MAX_RUN_MS = 10 * 60_000;

export async function startVerification(options: VerificationOptions): Promise<Verification> {
  const { scenario, topology, hosts, secrets } = options;
  const startedAt = Date.now();
  const faults: FaultEvent[] = [];
  const workload = new OpenLoopWorkload({
    topology,
    secrets,
    rates: scenario.workload.rates as Partial<Record<OperationKind, number>>,
    timeoutMs: scenario.workload.timeoutMs,
    maxDurationMs: MAX_RUN_MS,
  });
  const probes = new ProbeSampler({ topology, hosts, secrets, maxDurationMs: MAX_RUN_MS });
  await workload.start();
  probes.start();
  let outcome: VerificationOutcome | undefined;

  return {
    faultInjected(id, description, at) {
      faults.push({ id, description, injectedAt: at });
    },
    faultHealed(id, at) {
      const fault = faults.find((candidate) => candidate.id === id);
      if (fault && fault.healedAt === undefined) fault.healedAt = at;
    },
    async finish() {
      const [operations, samples] = await Promise.all([workload.stop(), probes.stop()]);
      const endedAt = Date.now();
      const finalState = await verifyFinalState({ topology, secrets, operations, since: startedAt });
      const history: History = { lab: topology.name, scenario: scenario.name, startedAt, endedAt, operations, probes: samples, faults, finalState };
      outcome = { history, results: checkHistory(history) };
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
