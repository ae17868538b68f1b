import { faultProblems, type FaultTarget } from "@odoo-ha-lab/chaos";
import type { Topology } from "@odoo-ha-lab/topology";
import { OPERATION_KINDS, plannedCheckers, type OperationKind, type PlannedChecker, type RunPlan } from "@odoo-ha-lab/verify";
import { ScenarioError } from "./load-scenario.ts";
import { nodesANameMayStandFor } from "./node-references.ts";
import { scenarioBrowser, type Scenario } from "./scenario-schema.ts";
import { monitoredRules, scenarioProbes } from "./verification.ts";

/**
 * What the scenario's topology says cannot run, before a lab is touched: each as "field: problem
 * (fix)". The file's own shape is checked when it is read (load-scenario.ts); this is what needs the
 * lab's description: its nodes and their services, and the checkers and metrics a run of this
 * scenario will have.
 */
export function scenarioProblems(scenario: Scenario, topology: Topology): string[] {
  return [...methodProblems(scenario, topology), ...budgetProblems(scenario, topology), ...cronWorkloadProblems(scenario, topology), ...alertProblems(scenario, topology)];
}

/** Alerts asked of a lab that has no monitoring: every such check would fail for the lab, not for the fault. */
function alertProblems(scenario: Scenario, topology: Topology): string[] {
  if (monitoredRules(topology)) return [];
  const fix = `add a node with the 'monitor' role to lab ${topology.name}, or remove it`;
  const fields = [
    ...scenario["steady-state"].flatMap((condition, index) => (condition === "no-alerts" ? [`steady-state.${index}`] : [])),
    ...scenario.recovery.flatMap((condition, index) => (condition === "no-alerts" ? [`recovery.${index}`] : [])),
    ...scenario.method.flatMap((step, index) => ("until" in step && step.until === "no-alerts" ? [`method.${index}.until`] : [])),
  ];
  return fields.map((field) => `${field}: no-alerts asks the lab's monitor nodes, and lab ${topology.name} has none (${fix})`);
}

/** Cron jobs that no cron worker of the lab would ever run: every cron check would fail for the lab, not for the fault. */
function cronWorkloadProblems(scenario: Scenario, topology: Topology): string[] {
  const { cron, cronWakeups } = scenario.workload;
  if (!cron && !cronWakeups) return [];
  const cronWorkers = topology.nodes.filter((node) => (node.odoo?.maxCronThreads ?? 0) > 0);
  if (cronWorkers.length > 0) return [];
  const field = cron ? "workload.cron" : "workload.cronWakeups";
  return [`${field}: no node of lab ${topology.name} runs a cron worker (every odoo node has maxCronThreads 0): give one maxCronThreads ≥ 1, or remove ${field}`];
}

/** Throws a ScenarioError naming the file and every problem, if the scenario cannot run on the topology. */
export function checkScenario(scenario: Scenario, topology: Topology, file: string): void {
  const problems = scenarioProblems(scenario, topology);
  if (problems.length > 0) throw new ScenarioError(`${file} (on lab ${topology.name})`, problems);
}

/** The checkers a run of the scenario gets, decided as the verifier decides them for its history. */
export function plannedScenarioCheckers(scenario: Scenario, topology: Topology): PlannedChecker[] {
  const rules = monitoredRules(topology);
  const plan: RunPlan = {
    kinds: OPERATION_KINDS.filter((kind: OperationKind) => (kind === "browser.page" ? scenarioBrowser(scenario) !== undefined : (scenario.workload.rates[kind] ?? 0) > 0)),
    probes: scenarioProbes(scenario, topology),
    ...(rules ? { alertRules: rules } : {}),
    cronJobs: [],
    ...(scenario.workload.cronWakeups ? { cronWakeups: true } : {}),
    ...(scenario.workload.cron ? { cronPhases: scenario.method.flatMap((step) => ("mark" in step ? [step.mark] : [])) } : {}),
  };
  return plannedCheckers(plan);
}

function methodProblems(scenario: Scenario, topology: Topology): string[] {
  const target: FaultTarget = { topology, nodesNamed: (name) => nodesANameMayStandFor(name, topology) };
  const problems: string[] = [];
  // The names of the faults injected and not yet healed: a name is free again once its fault is.
  let named: string[] = [];
  scenario.method.forEach((step, index) => {
    const field = `method.${index}`;
    if ("inject" in step) {
      problems.push(...faultProblems(step.inject, target).map((problem) => `${field}.inject.${problem}`));
      if (step.as !== undefined && named.includes(step.as)) problems.push(`${field}.as: '${step.as}' already names a fault still injected: give each fault its own name`);
      if (step.as !== undefined) named.push(step.as);
    }
    if ("heal" in step) {
      if (step.heal === "all") named = [];
      else if (named.includes(step.heal)) named = named.filter((name) => name !== step.heal);
      else problems.push(`${field}.heal: no earlier step injects a fault 'as: ${step.heal}' that is still injected (${named.length ? `named: ${named.join(", ")}` : "none is"}): name it, or heal all`);
    }
  });
  if (scenario.workload.cron && !scenario.method.some((step) => "mark" in step)) {
    problems.push("method: workload.cron's backlog is released at the first mark, and the method has none: add a mark step per phase and one to end the last");
  }
  return problems;
}

function budgetProblems(scenario: Scenario, topology: Topology): string[] {
  const checkers = plannedScenarioCheckers(scenario, topology);
  const names = checkers.map((checker) => checker.name);
  const known = `this scenario's checkers: ${names.join(", ")}`;
  const problems = scenario.budgets.flatMap((budget, index) => {
    const checker = checkers.find((candidate) => candidate.name === budget.checker);
    if (!checker && budget.checker === "alerts") return [`budgets.${index}.checker: 'alerts' reads the lab's monitor nodes, and lab ${topology.name} has none: add a node with the 'monitor' role, or remove the budget`];
    if (!checker) return [`budgets.${index}.checker: '${budget.checker}' is not a checker of this scenario (${known}); a per-kind checker needs its kind in workload.rates`];
    if (budget.metric !== undefined && !checker.metrics.includes(budget.metric)) return [`budgets.${index}.metric: ${budget.checker} has no metric '${budget.metric}' (it has: ${checker.metrics.join(", ")})`];
    return [];
  });
  const violated = scenario.expect === "pass" ? [] : scenario.expect.violated;
  violated.forEach((name, index) => {
    if (!names.includes(name)) problems.push(`expect.violated.${index}: '${name}' is not a checker of this scenario (${known})`);
  });
  return problems;
}
