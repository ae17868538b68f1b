import { describe, expect, it } from "vitest";
import type { LabStatus } from "@odoo-ha-lab/roles";
import type { CheckerResult } from "@odoo-ha-lab/verify";
import { conditionProblem, evaluateScenario, parseScenario, resolveNodeReference } from "../src/index.ts";

const KILL_MASTER = `
name: kill-master
description: kill the primary
workload: { rates: { sql.write: 20 } }
method:
  - wait: 5
  - inject: { kind: kill-node, node: $primary }
  - until: new-primary
budgets:
  - { checker: "recovery:sql.write", metric: outageSeconds, max: 10 }
  - { checker: lost-writes, metric: lost, max: 0 }
  - { checker: split-brain }
`;

const result = (name: string, ok: boolean, metrics: Record<string, number> = {}): CheckerResult => ({ name, ok, metrics, summary: name, counterexamples: [] });

const status = (leader: string, holders: string[]): LabStatus => ({
  lab: "t",
  vip: { address: "10.0.0.100", holders },
  services: [],
  patroni: [
    { name: "postgresql1", role: leader === "postgresql1" ? "leader" : "replica", state: "running", timeline: 1, lagBytes: 0 },
    { name: "postgresql2", role: leader === "postgresql2" ? "leader" : "sync_standby", state: "running", timeline: 1, lagBytes: 0 },
  ],
  haproxy: [],
  monitors: [],
  storage: [{ node: "odoo1", mounted: true, responsive: false }],
  odoo: [{ node: "odoo1", healthy: true, detail: "pass" }],
});

describe("scenario files", () => {
  it("parse with defaults for the steady state and the expectation", () => {
    const scenario = parseScenario(KILL_MASTER, "scenarios/kill-master.yaml");
    expect(scenario["steady-state"]).toContain("single-primary");
    expect(scenario.expect).toBe("pass");
    expect(scenario.method[2]).toEqual({ until: "new-primary", timeoutSeconds: 60 });
    // The lab as the scenarios before left it, unless the file asks for a fresh one.
    expect(scenario.lab).toBe("reuse");
    expect(parseScenario(KILL_MASTER.replace(/^name: (.*)$/m, "name: $1\nlab: fresh"), "scenarios/kill-master.yaml").lab).toBe("fresh");
    expect(() => parseScenario(KILL_MASTER.replace(/^name: (.*)$/m, "name: $1\nlab: new"), "scenarios/kill-master.yaml")).toThrow(/lab: Invalid enum value\. Expected 'reuse' \| 'fresh'/);
  });

  it("reject a file whose name differs from the scenario's, an unknown fault and an unknown condition", () => {
    expect(() => parseScenario(KILL_MASTER, "scenarios/other.yaml")).toThrow(/must match the file name 'other'/);
    expect(() => parseScenario(KILL_MASTER.replace("kill-node", "melt-node"), "kill-master.yaml")).toThrow(/method\.1/);
    expect(() => parseScenario(KILL_MASTER.replace("until: new-primary", "until: happiness"), "kill-master.yaml")).toThrow(/method\.2\.until: unknown condition 'happiness': use one of single-primary, .*, or workload-steady with its kinds/);
    expect(() => parseScenario(KILL_MASTER.replace("sql.write: 20", "sql.wrte: 20"), "kill-master.yaml")).toThrow(/workload\.rates\.sql\.wrte: unknown operation kind 'sql\.wrte'/);
    expect(() => parseScenario(KILL_MASTER.replace("sql.write: 20", "browser.page: 1"), "kill-master.yaml")).toThrow(/workload\.rates\.browser\.page: browser\.page is a person in a real browser.*give workload\.browser instead/);
  });

  it("refuse budgets that could never fail or never hold", () => {
    const budget = (bound: string) => KILL_MASTER.replace("metric: lost, max: 0 }", `metric: lost, ${bound} }`);
    expect(() => parseScenario(budget("max: .inf"), "kill-master.yaml")).toThrow(/max Infinity is beyond anything a run measures/);
    expect(() => parseScenario(budget("max: 1e308"), "kill-master.yaml")).toThrow(/max 1e\+308 is beyond anything a run measures/);
    expect(() => parseScenario(budget("max: -1"), "kill-master.yaml")).toThrow(/max -1 can never hold: every metric is 0 or more/);
    expect(parseScenario(budget("max: 0"), "kill-master.yaml").budgets).toContainEqual(expect.objectContaining({ metric: "lost", max: 0 }));
  });

  it("refuse a method longer than a run loads the lab", () => {
    const long = KILL_MASTER.replace("  - wait: 5\n", `${"  - wait: 600\n".repeat(2)}`);
    expect(() => parseScenario(long, "kill-master.yaml")).toThrow(/method: the method may take \d+ s .* past the 600 s a run loads the lab/);
  });

  it("give a browser user to every scenario with Odoo traffic, unless it says browser: false", async () => {
    const { scenarioBrowser } = await import("../src/scenario-schema.ts");
    expect(scenarioBrowser(parseScenario(KILL_MASTER, "kill-master.yaml"))).toBeUndefined(); // SQL only
    const withOdoo = KILL_MASTER.replace("sql.write: 20", "sql.write: 20, odoo.partner.read: 5");
    expect(scenarioBrowser(parseScenario(withOdoo, "kill-master.yaml"))).toEqual({ thinkSeconds: 2 });
    expect(scenarioBrowser(parseScenario(withOdoo.replace("} }", "}, browser: false }"), "kill-master.yaml"))).toBeUndefined();
    expect(scenarioBrowser(parseScenario(withOdoo.replace("} }", "}, browser: { thinkSeconds: 5 } }"), "kill-master.yaml"))).toEqual({ thinkSeconds: 5 });
  });
});

describe("cron scaling scenarios", () => {
  const SCALE = `
name: scale-cron
description: scale cron workers
workload:
  rates: {}
  cron: { jobs: 600 }
method:
  - mark: 1
  - wait: 30
  - mark: end
budgets:
  - { checker: cron-scaling, metric: "speedup:4", min: 3, over: median }
`;

  it("take marks (a number becomes its label) and a cron backlog with defaults", () => {
    const scenario = parseScenario(SCALE, "scale-cron.yaml");
    expect(scenario.method[0]).toEqual({ mark: "1" });
    expect(scenario.method[2]).toEqual({ mark: "end" });
    expect(scenario.workload.cron).toEqual({ jobs: 600, workSeconds: 0.5, settleSeconds: 5 });
    expect(parseScenario(KILL_MASTER, "kill-master.yaml").workload.cron).toBeUndefined();
  });

  it("reject an empty mark and a backlog without jobs or with unbounded work", () => {
    expect(() => parseScenario(SCALE.replace("mark: end", 'mark: ""'), "scale-cron.yaml")).toThrow(/method\.2/);
    expect(() => parseScenario(SCALE.replace("{ jobs: 600 }", "{ jobs: 0 }"), "scale-cron.yaml")).toThrow(/workload\.cron\.jobs/);
    expect(() => parseScenario(SCALE.replace("{ jobs: 600 }", "{ jobs: 600, workSeconds: 120 }"), "scale-cron.yaml")).toThrow(/workload\.cron\.workSeconds/);
  });
});

describe("budgets", () => {
  const scenario = parseScenario(KILL_MASTER, "kill-master.yaml");

  it("pass when every measured value is within its bound and every plain checker holds", () => {
    const verdict = evaluateScenario(scenario, [result("recovery:sql.write", true, { outageSeconds: 8.1 }), result("lost-writes", true, { lost: 0 }), result("split-brain", true)]);
    expect(verdict.passed).toBe(true);
    expect(verdict.budgets.map((budget) => budget.measured)).toEqual([8.1, 0, undefined]);
  });

  it("fail on a missed budget, a failing checker or a missing checker, naming each", () => {
    const verdict = evaluateScenario(scenario, [result("recovery:sql.write", true, { outageSeconds: 12.5 }), result("split-brain", false)]);
    expect(verdict.passed).toBe(false);
    expect(verdict.summary).toContain("recovery:sql.write.outageSeconds ≤ 10: measured 12.50 — BUDGET MISSED");
    expect(verdict.summary).toContain("'lost-writes' produced no result");
    expect(verdict.budgets[2]?.ok).toBe(false);
  });

  it("pass a negative control only when the named checker reports the violation", () => {
    const control = { ...scenario, budgets: [], expect: { violated: ["lost-writes"] } };
    expect(evaluateScenario(control, [result("lost-writes", false, { lost: 120 })]).passed).toBe(true);
    const missed = evaluateScenario(control, [result("lost-writes", true, { lost: 0 })]);
    expect(missed.passed).toBe(false);
    expect(missed.summary).toContain("expected 'lost-writes' to report a violation");
  });
});

describe("conditions and node references", () => {
  it("resolve $primary, $replica, $vip-holder and $vip-standby from the live status", () => {
    const live = status("postgresql2", ["lb1"]);
    expect(resolveNodeReference("$primary", live, ["lb1", "lb2"])).toBe("postgresql2");
    expect(resolveNodeReference("$replica", live, ["lb1", "lb2"])).toBe("postgresql1");
    expect(resolveNodeReference("$vip-standby", live, ["lb1", "lb2"])).toBe("lb2");
    expect(resolveNodeReference("odoo1", live, [])).toBe("odoo1");
    expect(() => resolveNodeReference("$vip-holder", status("postgresql1", []), ["lb1"])).toThrow(/cannot resolve \$vip-holder/);
  });

  it("judge new-primary and vip-moved against the baseline, and report what is wrong", () => {
    const baseline = { primary: "postgresql1", vipHolder: "lb1" };
    expect(conditionProblem("new-primary", status("postgresql2", ["lb1"]), baseline)).toBeUndefined();
    expect(conditionProblem("new-primary", status("postgresql1", ["lb1"]), baseline)).toMatch(/still postgresql1/);
    expect(conditionProblem("vip-moved", status("postgresql1", ["lb2"]), baseline)).toBeUndefined();
    expect(conditionProblem("vip-held", status("postgresql1", ["lb1", "lb2"]), baseline)).toMatch(/lb1, lb2/);
    expect(conditionProblem("storage-mounted", status("postgresql1", ["lb1"]), baseline)).toMatch(/odoo1/);
    // Synchronous mode: a plain replica (not yet sync_standby) is no failover target.
    const rejoined = status("postgresql2", ["lb1"]);
    expect(conditionProblem("replicas-streaming", rejoined, { ...baseline, synchronous: true })).toMatch(/no synchronous standby/);
    expect(conditionProblem("replicas-streaming", rejoined, { ...baseline, synchronous: false })).toBeUndefined();
    expect(conditionProblem("replicas-streaming", status("postgresql1", ["lb1"]), { ...baseline, synchronous: true })).toBeUndefined();
  });

  it("judge no-alerts by every monitor node's Prometheus: pending counts, silence does not", () => {
    const baseline = { primary: "postgresql1", vipHolder: "lb1" };
    const withMonitors = (monitors: LabStatus["monitors"]) => ({ ...status("postgresql1", ["lb1"]), monitors });
    const quiet = { monitor: "monitor1", reachable: true, alerts: [], targetsDown: [] };
    expect(conditionProblem("no-alerts", withMonitors([quiet]), baseline)).toBeUndefined();
    const pending = { ...quiet, alerts: [{ monitor: "monitor1", name: "OdooNodeDown", state: "pending" as const, labels: { server: "odoo2" }, activeAt: "", summary: "" }] };
    expect(conditionProblem("no-alerts", withMonitors([pending]), baseline)).toBe("alerts: OdooNodeDown (odoo2) pending on monitor1");
    expect(conditionProblem("no-alerts", withMonitors([{ ...quiet, reachable: false }]), baseline)).toBe("alerts: Prometheus on monitor1 does not answer");
    expect(conditionProblem("no-alerts", withMonitors([]), baseline)).toBe("the lab has no monitor node to ask");
  });

  it("accept workload-steady only in a method, and only for kinds the workload runs", () => {
    const waits = (kinds: string) => KILL_MASTER.replace("  - until: new-primary", `  - until: new-primary\n  - { until: workload-steady, kinds: ${kinds} }`);
    expect(parseScenario(waits("[sql.write]"), "kill-master.yaml").method[3]).toEqual({ until: "workload-steady", kinds: ["sql.write"], timeoutSeconds: 60 });
    expect(() => parseScenario(waits("[sql.write, odoo.partner.write]"), "kill-master.yaml")).toThrow(/method\.3\.kinds: 'odoo\.partner\.write' is not in workload\.rates \(it runs sql\.write\)/);
    expect(() => parseScenario(waits("[]"), "kill-master.yaml")).toThrow(/method\.3\.kinds: Array must contain at least 1/);
    expect(() => parseScenario(waits("[sql.wrte]"), "kill-master.yaml")).toThrow(/method\.3\.kinds\.0: unknown operation kind 'sql\.wrte'/);
    // Before a run there is no operation to read.
    expect(() => parseScenario(`${KILL_MASTER}recovery: [workload-steady]\n`, "kill-master.yaml")).toThrow(/recovery\.0: unknown condition 'workload-steady'.*only a method's until step/);
  });
});

describe("JUnit XML", () => {
  it("counts failures and escapes what a budget message says", async () => {
    const { renderJunit } = await import("../src/junit.ts");
    const xml = renderJunit("gate", [
      { name: "kill-master #1", seconds: 41.2, failures: [] },
      { name: "lose-lb1 #1", seconds: 20, failures: ["vip-failover.seconds ≤ 3: measured 3.70 — <missed>"] },
    ]);
    expect(xml).toContain('<testsuites tests="2" failures="1" time="61.2">');
    expect(xml).toContain('<testcase classname="gate" name="kill-master #1" time="41.2"/>');
    expect(xml).toContain("measured 3.70 — &lt;missed&gt;</failure>");
  });
});

describe("repeated runs", () => {
  const scenario = parseScenario(KILL_MASTER.replace("metric: outageSeconds, max: 10 }", "metric: outageSeconds, max: 10, over: median }"), "kill-master.yaml");
  const run = (outage: number, lost: number) =>
    evaluateScenario(scenario, [result("recovery:sql.write", true, { outageSeconds: outage }), result("lost-writes", lost === 0, { lost }), result("split-brain", true)]);

  it("judge a timing on the median and an invariant on every run", async () => {
    const { aggregateRuns } = await import("../src/aggregate.ts");
    const spread = aggregateRuns([run(7.6, 0), run(7.2, 0), run(15.4, 0)], [false, false, false]);
    expect(spread.budgets[0]).toMatchObject({ median: 7.6, ok: true, over: "median" });
    expect(spread.passed).toBe(true);
    const oneLoss = aggregateRuns([run(7.6, 0), run(7.2, 3), run(7.4, 0)], [false, false, false]);
    expect(oneLoss.budgets[1]).toMatchObject({ ok: false, values: [0, 3, 0] });
    expect(oneLoss.passed).toBe(false);
  });

  it("fail on a slow median and on an aborted run", async () => {
    const { aggregateRuns } = await import("../src/aggregate.ts");
    expect(aggregateRuns([run(11, 0), run(12, 0), run(7, 0)], [false, false, false]).passed).toBe(false);
    expect(aggregateRuns([run(7, 0), run(7, 0)], [false, true])).toMatchObject({ passed: false, brokenRuns: [2] });
  });

  it("fail when no run was made: nothing judged is never a pass", async () => {
    const { aggregateRuns } = await import("../src/aggregate.ts");
    expect(aggregateRuns([], []).passed).toBe(false);
    expect(aggregateRuns([run(7, 0)], [false]).passed).toBe(true);
  });
});
