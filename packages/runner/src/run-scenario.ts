import { ChaosInjector, type FaultSpec } from "@odoo-ha-lab/chaos";
import type { LabSecrets, ProgressEvent } from "@odoo-ha-lab/roles";
import type { Host, NodeControl } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import type { MethodBaseline } from "./conditions.ts";
import { resolveNodeReference } from "./node-references.ts";
import { WORKLOAD_STEADY, type Scenario, type ScenarioFault, type ScenarioStep } from "./scenario-schema.ts";
import { baselineOf, checkHypothesis, waitForConditions, type HypothesisCheck } from "./steady-state.ts";
import { startVerification, type Verification, type VerificationOutcome } from "./verification.ts";
import { evaluateScenario, type ScenarioVerdict } from "./budgets.ts";

export interface RunScenarioOptions {
  scenario: Scenario;
  topology: Topology;
  hosts: ReadonlyMap<string, Host>;
  nodes: NodeControl;
  secrets: LabSecrets;
  /** The fault journal (`.lab/<lab>/faults.json`): what `lab heal` reads after a crash. */
  journalPath: string;
  reportDir: string;
  progress: (event: ProgressEvent) => void;
  /**
   * An interrupt (Ctrl-C): the method stops at once (an injection under way finishes first), the
   * rollbacks heal every fault as after a failed step, and the run ends without awaiting recovery.
   */
  signal?: AbortSignal;
}

export interface ScenarioRun {
  scenario: string;
  lab: string;
  startedAt: number;
  seconds: number;
  hypothesisBefore: HypothesisCheck[];
  hypothesisAfter: HypothesisCheck[];
  outcome?: VerificationOutcome;
  verdict: ScenarioVerdict;
  /** Why the run could not complete (steady state not met, a step timed out, a heal failed). */
  aborted?: string;
  /** The run was cut short by an interrupt (its faults healed): nothing after it should start. */
  interrupted?: true;
}

/**
 * One experiment: hypothesis → load + probes → method → rollbacks (always) → recovery → final
 * verification → checkers → budgets. The history and the report are the product.
 */
export async function runScenario(options: RunScenarioOptions): Promise<ScenarioRun> {
  const { scenario, topology, hosts, progress } = options;
  const startedAt = Date.now();
  const say = (message: string, node?: string) => progress({ stage: scenario.name, message, ...(node ? { node } : {}) });
  const injector = new ChaosInjector({ topology, hosts, nodes: options.nodes, secrets: options.secrets, journalPath: options.journalPath, log: (line) => say(line) });
  const leftovers = await injector.healAll();
  if (leftovers.length) say(`healed ${leftovers.length} fault(s) left by an earlier run`);

  // A lab fresh from `up` or from the previous run may still be settling (a node rejoining): give it
  // the recovery time to reach the steady state, then judge it.
  let { baseline } = await baselineOf(topology, hosts);
  await waitForConditions(topology, hosts, scenario["steady-state"], baseline, scenario.recoveryTimeoutSeconds * 1000).catch(() => undefined);
  ({ baseline } = await baselineOf(topology, hosts));
  const hypothesisBefore = await checkHypothesis(topology, hosts, scenario["steady-state"], baseline);
  const unmet = hypothesisBefore.filter((check) => !check.ok);
  if (unmet.length) {
    const aborted = `steady state not met before the method: ${unmet.map((check) => `${check.condition} (${check.problem})`).join("; ")}`;
    return abortedRun(options, startedAt, hypothesisBefore, aborted);
  }
  say(`steady state holds (${scenario["steady-state"].join(", ")}); leader ${baseline.primary}, VIP on ${baseline.vipHolder}`);

  const verification: Verification = await startVerification(options);
  const named = new Map<string, string>();
  const injected = new Set<string>();
  let aborted: string | undefined;
  try {
    for (const step of scenario.method) {
      options.signal?.throwIfAborted();
      await runStep(step, { ...options, injector, named, injected, baseline, verification, say });
    }
  } catch (error) {
    aborted = `method stopped: ${(error as Error).message}`;
    say(aborted);
  } finally {
    // Rollbacks always run, like Chaos Toolkit's: every fault still injected is healed.
    const healed = await injector.healAll().catch((error: Error) => {
      aborted = `${aborted ? `${aborted}; ` : ""}heal failed: ${error.message}`;
      return [];
    });
    if (healed.length) say(`rollbacks healed ${healed.length} fault(s)`);
  }

  // Chaos Toolkit's second hypothesis check: after the heal the steady state must come back (within
  // the recovery time), together with any extra recovery condition the scenario names.
  const mustReturn = [...new Set([...scenario["steady-state"], ...scenario.recovery])];
  if (options.signal?.aborted) say("interrupted: faults healed, recovery not awaited");
  else {
    try {
      // Asked of the watched nodes: the run's probes are still sampling them.
      await waitForConditions(topology, verification.hosts, mustReturn, baseline, scenario.recoveryTimeoutSeconds * 1000);
      say(`recovered: ${mustReturn.join(", ")}`);
    } catch (error) {
      aborted = `${aborted ? `${aborted}; ` : ""}steady state not restored within ${scenario.recoveryTimeoutSeconds} s: ${(error as Error).message}`;
    }
  }
  // The fault journal is the run's one fault timeline: its records of the faults this run injected.
  const faults = (await injector.records()).filter((record) => injected.has(record.id));
  const outcome = await verification.finish(faults);
  const hypothesisAfter = await checkHypothesis(topology, hosts, mustReturn, baseline).catch((error: Error) => [{ condition: "single-primary" as const, ok: false, problem: error.message }]);
  const verdict = evaluateScenario(scenario, outcome.results);
  if (aborted) {
    verdict.passed = false;
    verdict.summary = `${scenario.name}: FAIL — ${aborted}`;
  }
  await verification.writeReport(verdict);
  say(verdict.summary);
  return {
    scenario: scenario.name,
    lab: topology.name,
    startedAt,
    seconds: (Date.now() - startedAt) / 1000,
    hypothesisBefore,
    hypothesisAfter,
    outcome,
    verdict,
    ...(aborted ? { aborted } : {}),
    ...(options.signal?.aborted ? { interrupted: true as const } : {}),
  };
}

interface StepContext extends RunScenarioOptions {
  injector: ChaosInjector;
  named: Map<string, string>;
  /** The faults this run injected, by id. */
  injected: Set<string>;
  baseline: MethodBaseline;
  verification: Verification;
  say: (message: string, node?: string) => void;
}

async function runStep(step: ScenarioStep, context: StepContext): Promise<void> {
  if ("mark" in step) {
    await context.verification.mark(step.mark);
    context.say(`mark ${step.mark}`);
    return;
  }
  if ("wait" in step) {
    context.say(`wait ${step.wait} s`);
    await abortable(new Promise((resolve) => setTimeout(resolve, step.wait * 1000)), context.signal); // a method's pause, as the scenario says: not a wait for a condition
    return;
  }
  if ("until" in step) {
    const started = Date.now();
    // Only reads the lab or the run's journal: safe to abandon on an interrupt.
    const waiting =
      step.until === WORKLOAD_STEADY
        ? context.verification.untilWorkloadSteady(step.kinds, started, step.timeoutSeconds * 1000)
        : waitForConditions(context.topology, context.verification.hosts, [step.until], context.baseline, step.timeoutSeconds * 1000);
    await abortable(waiting, context.signal);
    context.say(`${step.until} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return;
  }
  if ("inject" in step) {
    const spec = await resolveFault(step.inject, context);
    const record = await context.injector.inject(spec);
    context.injected.add(record.id);
    if (step.as) context.named.set(step.as, record.id);
    context.say(`injected: ${record.description}`);
    return;
  }
  const ids = step.heal === "all" ? undefined : [context.named.get(step.heal)];
  if (ids && ids[0] === undefined) throw new Error(`heal '${step.heal}': no fault was injected 'as: ${step.heal}'`);
  const healed = ids ? [await context.injector.heal(ids[0]!)] : await context.injector.healAll();
  for (const record of healed) context.say(`healed: ${record.description}`);
}

/** Settles with `work`, or rejects as soon as `signal` aborts (the work itself is left to finish unobserved). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function resolveFault(fault: ScenarioFault, context: StepContext): Promise<FaultSpec> {
  const { status } = await baselineOf(context.topology, context.verification.hosts);
  const resolve = (reference: string) => resolveNodeReference(reference, status, context.topology.vip.holders);
  if ("groups" in fault) return { ...fault, groups: [fault.groups[0].map(resolve), fault.groups[1].map(resolve)] };
  const resolved = { ...fault, node: resolve(fault.node) };
  if ("peers" in resolved) resolved.peers = resolved.peers.map(resolve);
  if ("candidate" in resolved && resolved.candidate !== undefined) resolved.candidate = resolve(resolved.candidate);
  return resolved as FaultSpec;
}

async function abortedRun(options: RunScenarioOptions, startedAt: number, hypothesisBefore: HypothesisCheck[], aborted: string): Promise<ScenarioRun> {
  options.progress({ stage: options.scenario.name, message: aborted });
  const verdict: ScenarioVerdict = { passed: false, budgets: [], expectedViolations: [], summary: `${options.scenario.name}: FAIL — ${aborted}` };
  return { scenario: options.scenario.name, lab: options.topology.name, startedAt, seconds: (Date.now() - startedAt) / 1000, hypothesisBefore, hypothesisAfter: [], verdict, aborted };
}
