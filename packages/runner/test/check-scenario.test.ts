import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { loadScenario, parseScenario, scenarioProblems } from "../src/index.ts";

const topology = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));

const BASE = `
name: s
description: a scenario a user might write
workload: { rates: { sql.write: 10, odoo.partner.write: 2 } }
method:
  - wait: 2
  - inject: { kind: kill-node, node: $primary }
    as: killed
  - until: new-primary
  - heal: killed
budgets:
  - { checker: "recovery:sql.write", metric: failoverSeconds, max: 10 }
  - { checker: lost-writes, metric: lost, max: 0 }
  - { checker: split-brain }
`;

/** Every problem of a variant of BASE, from reading the file and from checking it against the lab. */
function problemsOf(text: string): string[] {
  try {
    return scenarioProblems(parseScenario(text, "s.yaml"), topology);
  } catch (error) {
    return (error as Error).message.split("\n").slice(1).map((line) => line.replace(/^ {2}- /, ""));
  }
}

describe("a scenario checked before anything runs", () => {
  it("accepts the base scenario", () => {
    expect(problemsOf(BASE)).toEqual([]);
  });

  it.each([
    ["an unknown node", ["node: $primary", "node: pg9"], /^method\.1\.inject\.node: no node named 'pg9' \(nodes of lab odoo-ha: lb1, /],
    ["an unknown reference", ["node: $primary", "node: $leader"], /^method\.1\.inject\.node: no node named '\$leader'/],
    ["a service the node does not run", ["{ kind: kill-node, node: $primary }", "{ kind: stop-service, node: lb1, service: patroni }"], /^method\.1\.inject\.service: lb1 runs no service 'patroni' \(it runs haproxy, keepalived, etcd, node-exporter\)$/],
    ["an unknown fault kind", ["kind: kill-node", "kind: melt-node"], /^method\.1\.inject\.kind: unknown fault kind 'melt-node': use one of kill-node, .*cpu-hog$/],
    ["a fault field of another kind", ["node: $primary }", "node: $primary, seconds: 5 }"], /^method\.1\.inject: 'seconds': not a field of a kill-node fault \(its fields: kind, node\)$/],
    ["a parameter out of range", ["{ kind: kill-node, node: $primary }", "{ kind: cpu-hog, node: odoo1, workers: 1000 }"], /^method\.1\.inject\.workers: Number must be less than or equal to 64$/],
    ["cpu-hog's seconds settable", ["{ kind: kill-node, node: $primary }", "{ kind: cpu-hog, node: odoo1, seconds: 0 }"], /^method\.1\.inject\.seconds: Number must be greater than or equal to 1$/],
    ["a heal of a name never given", ["heal: killed", "heal: kiled"], /^method\.3\.heal: no earlier step injects a fault 'as: kiled' that is still injected \(named: killed\): name it, or heal all$/],
    ["a typo in a checker", ['"recovery:sql.write"', '"recovery:sql.writes"'], /^budgets\.0\.checker: 'recovery:sql\.writes' is not a checker of this scenario \(this scenario's checkers: .*recovery:sql\.write, .*latency:sql\.write, .*\)/],
    ["a checker of a kind the workload does not run", ['"recovery:sql.write"', '"recovery:sql.read"'], /^budgets\.0\.checker: 'recovery:sql\.read' is not a checker .*needs its kind in workload\.rates$/],
    ["a typo in a metric", ["metric: lost,", "metric: lots,"], /^budgets\.1\.metric: lost-writes has no metric 'lots' \(it has: acknowledged, lost, /],
    ["a budget with no bound", ["metric: lost, max: 0", "metric: lost"], /^budgets\.1\.max: a budget on lost-writes\.lost needs a bound: add max \(or min\)$/],
    ["a bound with no metric", ["{ checker: split-brain }", "{ checker: split-brain, max: 0 }"], /^budgets\.2\.metric: a bound needs a metric of split-brain to compare/],
    ["min above max", ["metric: lost, max: 0", "metric: lost, max: 0, min: 1"], /^budgets\.1\.min: min 1 is above max 0: no measurement can hold both$/],
    ["an empty steady state", ["budgets:", "steady-state: []\nbudgets:"], /^steady-state: name at least one condition/],
    ["a negative control naming no checker", ["budgets:", "expect: { violated: [split-brian] }\nbudgets:"], /^expect\.violated\.0: 'split-brian' is not a checker of this scenario/],
  ])("refuses %s, naming the field and the fix", (_what, [from, to], problem) => {
    expect(BASE).toContain(from);
    const problems = problemsOf(BASE.replace(from!, to!));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it("refuses a cron backlog that no mark releases", () => {
    const cron = BASE.replace("workload: { rates: { sql.write: 10, odoo.partner.write: 2 } }", "workload: { rates: { sql.write: 10 }, cron: { jobs: 10 } }").replace(/budgets:[\s\S]*/, "budgets:\n  - { checker: cron-scaling, metric: duplicates, max: 0 }\n");
    expect(problemsOf(cron)).toEqual([expect.stringMatching(/^method: workload\.cron's backlog is released at the first mark, and the method has none/)]);
  });

  it("refuses cron wake-ups on a lab where no node runs a cron worker, and knows their checker's metrics", () => {
    const wakeups = BASE.replace("workload: { rates: { sql.write: 10, odoo.partner.write: 2 } }", "workload: { rates: { sql.write: 10 }, cronWakeups: { count: 3 } }").replace(/budgets:[\s\S]*/, "budgets:\n  - { checker: cron-wakeup, metric: maxSeconds, max: 5 }\n");
    expect(problemsOf(wakeups)).toEqual([]);
    const noCron = { ...topology, nodes: topology.nodes.map((node) => (node.odoo ? { ...node, odoo: { ...node.odoo, maxCronThreads: 0 } } : node)) };
    expect(scenarioProblems(parseScenario(wakeups, "s.yaml"), noCron)).toEqual([expect.stringMatching(/^workload\.cronWakeups: no node of lab odoo-ha runs a cron worker/)]);
    expect(problemsOf(wakeups.replace("metric: maxSeconds", "metric: meanSeconds"))).toEqual([expect.stringMatching(/cron-wakeup has no metric 'meanSeconds'/)]);
  });

  it("asks alerts only of a lab with a monitor node, and knows each alert rule's metrics there", () => {
    const unmonitored = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha-async/topology.yaml", import.meta.url)));
    const alerting = BASE.replace("budgets:", "recovery: [no-alerts]\nbudgets:\n  - { checker: alerts, metric: firingSteady, max: 0 }\n  - { checker: alerts, metric: PatroniPrimaryMissing.firedAfterSeconds, max: 5 }");
    expect(problemsOf(alerting)).toEqual([]);
    expect(scenarioProblems(parseScenario(alerting, "s.yaml"), unmonitored)).toEqual([
      "budgets.0.checker: 'alerts' reads the lab's monitor nodes, and lab odoo-ha-async has none: add a node with the 'monitor' role, or remove the budget",
      "budgets.1.checker: 'alerts' reads the lab's monitor nodes, and lab odoo-ha-async has none: add a node with the 'monitor' role, or remove the budget",
      "recovery.0: no-alerts asks the lab's monitor nodes, and lab odoo-ha-async has none (add a node with the 'monitor' role to lab odoo-ha-async, or remove it)",
    ]);
    expect(problemsOf(alerting.replace("PatroniPrimaryMissing.firedAfterSeconds", "PatroniPrimaryDown.firedAfterSeconds"))).toEqual([
      expect.stringMatching(/^budgets\.1\.metric: alerts has no metric 'PatroniPrimaryDown\.firedAfterSeconds' \(it has: firingSteady, firingAtEnd, PatroniPrimaryMissing\.firings, PatroniPrimaryMissing\.firedAfterSeconds, /),
    ]);
  });

  it("knows a cron-scaling phase's metrics by its marks", () => {
    const cron = `
name: s
description: scale
workload: { rates: {}, cron: { jobs: 10 } }
method: [{ mark: 1 }, { wait: 5 }, { mark: 2 }, { wait: 5 }, { mark: end }]
budgets:
  - { checker: cron-scaling, metric: "speedup:2", min: 1.5 }
  - { checker: cron-scaling, metric: "speedup:4", min: 3 }
`;
    expect(problemsOf(cron)).toEqual([expect.stringMatching(/^budgets\.1\.metric: cron-scaling has no metric 'speedup:4' \(it has: .*speedup:2/)]);
  });
});

describe("a scenario file that is not one", () => {
  const dir = mkdtempSync(join(tmpdir(), "scenario-file-"));
  it.each([
    ["empty", "", /\(file\): is empty: write the file, starting from an example/],
    ["too big", `# ${"x".repeat(200 * 1024)}\n`, /\(file\): is 200 KiB; an input file is at most 128 KiB/],
  ])("is refused when %s", (_what, content, problem) => {
    const file = join(dir, "s.yaml");
    writeFileSync(file, content);
    expect(() => loadScenario(file)).toThrow(problem);
  });
});

describe("fault names in a method", () => {
  it("are free again once their fault is healed, and refused while it is injected", () => {
    const twice = BASE.replace("  - heal: killed\n", "  - heal: killed\n  - inject: { kind: kill-node, node: $primary }\n    as: killed\n  - heal: killed\n");
    expect(problemsOf(twice)).toEqual([]);
    const overlapping = BASE.replace("  - heal: killed\n", "  - inject: { kind: stop-node, node: odoo1 }\n    as: killed\n  - heal: killed\n");
    expect(problemsOf(overlapping)).toEqual([expect.stringMatching(/^method\.3\.as: 'killed' already names a fault still injected/)]);
  });

  it("a step with two problems in its fault is reported on the fault, not as another step shape", () => {
    const problems = problemsOf(BASE.replace("{ kind: kill-node, node: $primary }", "{ kind: latency, node: odoo1 }"));
    expect(problems).toEqual([expect.stringMatching(/^method\.1\.inject\.peers: Required$/), expect.stringMatching(/^method\.1\.inject\.delayMs: Required$/)]);
  });

  it("a fault without a kind is told to name one", () => {
    expect(problemsOf(BASE.replace("{ kind: kill-node, node: $primary }", "{ node: $primary }"))).toEqual([expect.stringMatching(/^method\.1\.inject\.kind: name the fault's kind: one of kill-node, /)]);
  });
});
