import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTopologyFile, type TopologyNode } from "@odoo-ha-lab/topology";
import { FAULT_KINDS, describeFault, faultProblems, faultSpecSchema, labNodes, type FaultSpec, type FaultTarget } from "../src/index.ts";

const topology = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));
const lab = labNodes(topology);

describe("describeFault", () => {
  it.each([
    [{ kind: "kill-node", node: "postgresql1" }, "kill node postgresql1"],
    [{ kind: "pause-node", node: "lb2" }, "pause node lb2"],
    [{ kind: "power-cut", node: "lb1" }, "cut the power of node lb1"],
    [{ kind: "partition", groups: [["lb1"], ["lb2"]] }, "partition [lb1] | [lb2]"],
    [{ kind: "partition", groups: [["lb1"], ["lb2", "odoo1"]], direction: "first-to-second" }, "partition [lb1] -> [lb2, odoo1] (one way)"],
    [{ kind: "isolate", node: "odoo2" }, "isolate odoo2"],
    [{ kind: "kill-service", node: "lb1", service: "haproxy" }, "kill service haproxy on lb1"],
    [{ kind: "packet-loss", node: "lb1", probability: 0.3 }, "drop 30% of the packets of lb1"],
    [{ kind: "latency", node: "odoo1", peers: ["lb1"], delayMs: 200 }, "delay traffic from odoo1 to [lb1] by 200 ms"],
    [{ kind: "bandwidth", node: "postgresql2", rateKbit: 16 }, "throttle postgresql2 to 16 kbit/s (both)"],
    [{ kind: "fill-disk", node: "odoo1", path: "/run" }, "fill the disk of /run on odoo1 leaving 8 MiB free"],
    [{ kind: "cpu-hog", node: "odoo1", workers: 2, seconds: 30 }, "hog the CPU of odoo1 with 2 workers for at most 30 s"],
    [{ kind: "cpu-hog", node: "odoo1" }, "hog the CPU of odoo1 with one worker per CPU for at most 600 s"],
    [{ kind: "drain-app-node", node: "odoo1" }, "drain odoo1 in the load balancers"],
    [{ kind: "crash-postgres", node: "postgresql1" }, "SIGKILL PostgreSQL's postmaster on postgresql1 (Patroni lives on)"],
    [{ kind: "switchover", node: "postgresql1" }, "switch the Patroni leader postgresql1 over to a healthy replica"],
    [{ kind: "switchover", node: "postgresql1", candidate: "postgresql2" }, "switch the Patroni leader postgresql1 over to postgresql2"],
  ] as const)("%j → %s", (spec, text) => {
    expect(describeFault(spec as FaultSpec)).toBe(text);
  });

  it("covers every kind of the catalogue", () => {
    expect(FAULT_KINDS).toEqual(["kill-node", "power-cut", "stop-node", "pause-node", "stop-service", "kill-service", "crash-postgres", "switchover", "drain-app-node", "partition", "isolate", "packet-loss", "latency", "bandwidth", "fill-disk", "cpu-hog"]);
  });
});

describe("faultProblems", () => {
  it.each([
    [{ kind: "kill-node", node: "postgresql1" }],
    [{ kind: "stop-service", node: "lb1", service: "keepalived" }],
    [{ kind: "partition", groups: [["postgresql1"], ["lb1", "lb2", "odoo2"]], direction: "first-to-second" }],
    [{ kind: "bandwidth", node: "postgresql2", rateKbit: 64, direction: "egress" }],
    [{ kind: "cpu-hog", node: "odoo1", seconds: 60 }],
    [{ kind: "fill-disk", node: "odoo1", path: "/run", leaveFreeMiB: 0.5 }],
  ])("accepts %j", (spec) => {
    expect(faultProblems(spec, lab)).toEqual([]);
  });

  it.each([
    [{ kind: "kill-nod", node: "lb1" }, /^kind: unknown fault kind 'kill-nod': use one of kill-node, power-cut, stop-node, .*, drain-app-node, .*cpu-hog$/],
    [{ kind: "kill-node", node: "lb9" }, /^node: no node named 'lb9' \(nodes of lab odoo-ha: lb1, lb2, .*\)$/],
    [{ kind: "kill-node" }, /^node: Required$/],
    [{ kind: "kill-node", node: "lb1", nodes: ["lb2"] }, /^\(the fault\): 'nodes': not a field of a kill-node fault \(its fields: kind, node\)$/],
    [{ kind: "stop-service", node: "lb1", service: "patroni" }, /^service: lb1 runs no service 'patroni' \(it runs haproxy, keepalived, etcd, node-exporter\)$/],
    [{ kind: "packet-loss", node: "lb1", probability: 0 }, /^probability: must be > 0 and <= 1/],
    [{ kind: "latency", node: "odoo1", peers: [], delayMs: 100 }, /^peers: name at least one node/],
    [{ kind: "latency", node: "odoo1", peers: ["odoo1"], delayMs: 100 }, /^peers\.0: odoo1 is the node itself$/],
    [{ kind: "latency", node: "odoo1", peers: ["lb1"], delayMs: 1e20 }, /^delayMs: Number must be less than or equal to 60000$/],
    [{ kind: "bandwidth", node: "lb1", rateKbit: 16, direction: "up" }, /^direction: Invalid enum value. Expected 'both' \| 'egress' \| 'ingress'/],
    [{ kind: "fill-disk", node: "odoo1", path: "run" }, /^path: an absolute directory path on the node$/],
    [{ kind: "cpu-hog", node: "odoo1", workers: 1.5 }, /^workers: a whole number of workers$/],
    [{ kind: "partition", groups: [["lb1"]] }, /^groups: give exactly two non-empty lists of nodes/],
    [{ kind: "partition", groups: [["lb1"], ["lb2", "nope"]] }, /^groups\.1\.1: no node named 'nope'/],
    [{ kind: "isolate", node: "lb1", network: "data" }, /^network: lab odoo-ha has no network 'data' \(networks: lab\); name one of them, or leave it out to cut every network$/],
    [{ kind: "drain-app-node", node: "lb1" }, /^node: lb1 is not behind the load balancers; drain one of odoo1, odoo2$/],
    [{ kind: "crash-postgres", node: "lb1" }, /^node: lb1 runs no PostgreSQL \(roles: haproxy, keepalived, etcd, node-exporter\)$/],
    [{ kind: "switchover", node: "postgresql1", candidate: "odoo1" }, /^candidate: odoo1 runs no PostgreSQL \(roles: odoo, node-exporter\)$/],
  ])("refuses %j, naming the field and the fix", (spec, problem) => {
    const problems = faultProblems(spec, lab);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it("lists every problem of a spec at once", () => {
    expect(faultProblems({ kind: "partition", groups: [["lb1", "x"], ["lb1", "y"]] }, lab)).toEqual([
      expect.stringMatching(/^groups\.0\.1: no node named 'x'/),
      expect.stringMatching(/^groups\.1\.1: no node named 'y'/),
      "groups: lb1 on both sides; a node can be on one side only",
    ]);
  });

  it("checks a name that stands for several nodes on each of them", () => {
    const holders = topology.nodes.filter((node) => topology.vip.holders.includes(node.name));
    const target: FaultTarget = { topology, nodesNamed: (name): TopologyNode[] => (name === "$vip-holder" ? holders : lab.nodesNamed(name)) };
    expect(faultProblems({ kind: "stop-service", node: "$vip-holder", service: "keepalived" }, target)).toEqual([]);
    expect(faultProblems({ kind: "drain-app-node", node: "$vip-holder" }, target)).toEqual([expect.stringMatching(/^node: lb1 is not behind/), expect.stringMatching(/^node: lb2 is not behind/)]);
  });

  it("refuses a partition whose sides may be one node once a reference is resolved", () => {
    const holders = topology.nodes.filter((node) => topology.vip.holders.includes(node.name));
    const target: FaultTarget = { topology, nodesNamed: (name): TopologyNode[] => (name === "$vip-holder" ? holders : lab.nodesNamed(name)) };
    expect(faultProblems({ kind: "partition", groups: [["$vip-holder"], ["lb1", "odoo1"]] }, target)).toEqual([
      expect.stringMatching(/^groups: \$vip-holder may be lb1 when the step runs, and lb1 is on the other side/),
    ]);
    expect(faultProblems({ kind: "partition", groups: [["odoo2"], ["$vip-holder"]] }, target)).toEqual([]);
  });

  it("keeps a spec as written: no defaults are added (the journal records what was asked)", () => {
    expect(faultSpecSchema.parse({ kind: "cpu-hog", node: "odoo1" })).toEqual({ kind: "cpu-hog", node: "odoo1" });
  });
});
