import { collectStatus, type LabStatus } from "@odoo-ha-lab/roles";
import { waitFor, type Host } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import { CONDITION_PARTS, conditionProblem, currentPrimary, type MethodBaseline } from "./conditions.ts";
import type { Condition } from "./scenario-schema.ts";

/** The steady-state hypothesis: each condition, asked of the live lab, with what was wrong if it failed. */
export interface HypothesisCheck {
  condition: Condition;
  ok: boolean;
  problem?: string;
}

export async function checkHypothesis(topology: Topology, hosts: ReadonlyMap<string, Host>, conditions: Condition[], baseline: MethodBaseline): Promise<HypothesisCheck[]> {
  const status = await collectStatus(topology, hosts, [...new Set(conditions.flatMap((condition) => CONDITION_PARTS[condition]))]);
  return conditions.map((condition) => {
    const problem = conditionProblem(condition, status, baseline);
    return problem ? { condition, ok: false, problem } : { condition, ok: true };
  });
}

export async function baselineOf(topology: Topology, hosts: ReadonlyMap<string, Host>): Promise<{ status: LabStatus; baseline: MethodBaseline }> {
  // Node references and the baseline need only who leads and who holds the VIP.
  const status = await collectStatus(topology, hosts, ["patroni", "vip"]);
  return {
    status,
    baseline: { primary: currentPrimary(status), vipHolder: status.vip.holders.length === 1 ? status.vip.holders[0] : undefined, synchronous: topology.postgres.synchronous },
  };
}

/** Waits until every condition holds at once (an `until` step, or the recovery after heal). */
export async function waitForConditions(topology: Topology, hosts: ReadonlyMap<string, Host>, conditions: Condition[], baseline: MethodBaseline, timeoutMs: number): Promise<void> {
  if (conditions.length === 0) return;
  await waitFor(
    conditions.join(" + "),
    async () => {
      const checks = await checkHypothesis(topology, hosts, conditions, baseline);
      const failing = checks.filter((check) => !check.ok);
      return failing.length === 0 ? { done: true, value: undefined } : { done: false, observation: failing.map((check) => check.problem).join("; ") };
    },
    { timeoutMs, intervalMs: 500 },
  );
}
