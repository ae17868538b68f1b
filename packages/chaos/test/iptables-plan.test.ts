import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { chaosChainName, networkRulePlan } from "../src/index.ts";
import { ingressPolicerRules } from "../src/network/iptables-plan.ts";
import { installChainScript, removeChainScript } from "../src/network/iptables-scripts.ts";

const topology = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));
const rulesOf = (plan: ReturnType<typeof networkRulePlan>) => Object.fromEntries(plan.map((entry) => [entry.node, entry.rules.map((rule) => rule.join(" "))]));

describe("network rule plans: packets are dropped where they arrive", () => {
  it("a partition drops, on each side, what comes from the other side", () => {
    const plan = rulesOf(networkRulePlan({ kind: "partition", groups: [["lb1"], ["lb2"]] }, topology));
    expect(plan).toEqual({ lb1: ["-s 192.168.55.102 -j DROP"], lb2: ["-s 192.168.55.101 -j DROP"] });
  });

  it("on a lab of zones cuts every address of a node, or only those on the network the fault names", () => {
    const zones = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha-zones/topology.yaml", import.meta.url)));
    expect(rulesOf(networkRulePlan({ kind: "partition", groups: [["lb1"], ["lb2"]] }, zones))).toEqual({
      lb1: ["-s 192.168.64.102 -j DROP", "-s 192.168.65.102 -j DROP"],
      lb2: ["-s 192.168.64.101 -j DROP", "-s 192.168.65.101 -j DROP"],
    });
    // lb1 and lb2 still hear each other's VRRP on front: only the data zone is cut between them.
    expect(rulesOf(networkRulePlan({ kind: "partition", groups: [["lb1"], ["lb2"]], network: "data" }, zones))).toEqual({ lb1: ["-s 192.168.65.102 -j DROP"], lb2: ["-s 192.168.65.101 -j DROP"] });
    const isolated = rulesOf(networkRulePlan({ kind: "isolate", node: "odoo2", network: "data" }, zones));
    expect(isolated.odoo2).toEqual(["-i lo -j RETURN", "-p tcp --dport 22 -j RETURN", "-s 192.168.65.0/24 -j DROP"]);
    expect(isolated.postgresql1).toEqual(["-s 192.168.65.112 -j DROP"]);
  });

  it("a one-way partition only touches the receiving side", () => {
    const plan = rulesOf(networkRulePlan({ kind: "partition", groups: [["postgresql1"], ["postgresql2", "lb1"]], direction: "first-to-second" }, topology));
    expect(plan).toEqual({ postgresql2: ["-s 192.168.55.121 -j DROP"], lb1: ["-s 192.168.55.121 -j DROP"] });
  });

  it("counts the VIP as a source of the side that holds every VIP holder", () => {
    const plan = rulesOf(networkRulePlan({ kind: "partition", groups: [["lb1", "lb2"], ["odoo1"]] }, topology));
    expect(plan.odoo1).toEqual(["-s 192.168.55.101 -j DROP", "-s 192.168.55.102 -j DROP", "-s 192.168.55.100 -j DROP"]);
    expect(plan.lb1).toEqual(["-s 192.168.55.111 -j DROP"]);
    // Holders split over both sides: the VIP belongs to neither.
    const split = rulesOf(networkRulePlan({ kind: "partition", groups: [["lb1"], ["lb2"]] }, topology));
    expect(Object.values(split).flat().join(" ")).not.toContain("192.168.55.100");
  });

  it("isolate drops everything but loopback and SSH (the management path) on the node, and its traffic on every peer", () => {
    const plan = rulesOf(networkRulePlan({ kind: "isolate", node: "postgresql1" }, topology));
    expect(plan.postgresql1).toEqual(["-i lo -j RETURN", "-p tcp --dport 22 -j RETURN", "-j DROP"]);
    expect(Object.keys(plan).sort()).toEqual(["lb1", "lb2", "monitor1", "odoo1", "odoo2", "postgresql1", "postgresql2"]);
    expect(plan.lb1).toEqual(["-s 192.168.55.121 -j DROP"]);
  });

  it("packet loss drops at random what the node receives, and what it sends on arrival at peers", () => {
    const plan = rulesOf(networkRulePlan({ kind: "packet-loss", node: "lb1", probability: 0.3 }, topology));
    expect(plan.lb1).toEqual(["-p tcp --dport 22 -j RETURN", "! -i lo -m statistic --mode random --probability 0.3 -j DROP"]);
    expect(plan.odoo2).toEqual(["-s 192.168.55.101 -m statistic --mode random --probability 0.3 -j DROP"]);
  });

  it("polices incoming bandwidth in bytes per second", () => {
    expect(ingressPolicerRules("ab12cd34", 16)[0]!.join(" ")).toBe("! -i lo -m hashlimit --hashlimit-above 2000b/s --hashlimit-burst 4068b --hashlimit-name chaosab12cd34 -j DROP");
  });
});

describe("chains", () => {
  it("one chain per fault, named by its id, within iptables' 28 characters", () => {
    expect(chaosChainName("ab12cd34")).toBe("LAB-CHAOS-ab12cd34");
    expect(() => chaosChainName("a".repeat(19))).toThrow(/cannot name an iptables chain/);
    expect(() => chaosChainName("a b")).toThrow(/cannot name an iptables chain/);
  });

  it("installs idempotently: a second install flushes, and hooks once", () => {
    const script = installChainScript("LAB-CHAOS-x", [["-s", "10.0.0.1", "-j", "DROP"]]);
    expect(script).toContain("iptables -w -N LAB-CHAOS-x 2>/dev/null || iptables -w -F LAB-CHAOS-x");
    expect(script).toContain("iptables -w -A LAB-CHAOS-x -s 10.0.0.1 -j DROP");
    expect(script).toContain("iptables -w -C INPUT -j LAB-CHAOS-x 2>/dev/null || iptables -w -I INPUT 1 -j LAB-CHAOS-x");
  });

  it("removes idempotently and proves the chain is gone", () => {
    const script = removeChainScript("LAB-CHAOS-x");
    expect(script).toContain("while iptables -w -D INPUT -j LAB-CHAOS-x");
    expect(script).toContain("iptables -w -X LAB-CHAOS-x 2>/dev/null || true");
    expect(script).toMatch(/rules=\$\(iptables -w -S\) \|\| exit 3/);
  });
});
