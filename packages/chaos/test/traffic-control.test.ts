import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { ChaosInjector } from "../src/index.ts";
import { delayQueueNumber, delayRules } from "../src/latency/nfqueue-delay.ts";
import { EXIT_UNSUPPORTED, egressBandwidthScript, latencyScript, removeShapingScript } from "../src/network/tc-scripts.ts";
import type { HostCall } from "@odoo-ha-lab/machine";
import { FakeNodeControl, scriptedHosts } from "./fakes.ts";

const topology = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));

describe("traffic-control scripts", () => {
  it("throttles egress with a tbf root qdisc under the chaos handle, refusing a node shaped already", () => {
    const script = egressBandwidthScript("eth0", 16);
    expect(script).toContain("tc qdisc replace dev eth0 root handle ca05: tbf rate 16kbit burst 3000 latency 500ms");
    expect(script).toMatch(/grep -q ' ca05: root'.*exit 43/);
  });

  it("uses netem under htb for the peers only, and reports a kernel without netem", () => {
    const script = latencyScript("eth0", 200, ["10.0.0.1"]);
    expect(script).toContain("netem delay 200ms");
    expect(script).toContain("u32 match ip dst 10.0.0.1/32 flowid ca05:2");
    expect(script).toContain(`exit ${EXIT_UNSUPPORTED}`);
  });

  it("removes only the chaos root qdisc, and proves it", () => {
    const script = removeShapingScript("eth0");
    expect(script).toContain("grep -q ' ca05: root'; then tc qdisc del dev eth0 root; fi");
    expect(script).toMatch(/still shaped/);
  });
});

describe("latency without netem", () => {
  it("queues what the node sends to the peers to the fault's own NFQUEUE, bypassed if the program is gone", () => {
    const queue = delayQueueNumber("ab12cd34");
    expect(queue).toBe(delayQueueNumber("ab12cd34"));
    expect(queue).toBeGreaterThanOrEqual(0);
    expect(queue).toBeLessThan(65536);
    expect(delayQueueNumber("ab12cd35")).not.toBe(queue);
    expect(delayRules("ab12cd34", ["10.0.0.1"])).toEqual([["-d", "10.0.0.1", "-j", "NFQUEUE", "--queue-num", String(queue), "--queue-bypass"]]);
  });

  it("falls back to the delay program when tc says netem is unknown, and heal undoes all of it", async () => {
    const calls: HostCall[] = [];
    const hosts = scriptedHosts(topology.nodes.map((node) => node.name), calls, (node, command) =>
      node === "odoo1" && command[2]?.includes("netem delay") ? { exitCode: EXIT_UNSUPPORTED, stdout: "", stderr: "Error: Specified qdisc kind is unknown." } : undefined,
    );
    const chaos = new ChaosInjector({ topology, hosts, nodes: new FakeNodeControl(calls), journalPath: join(mkdtempSync(join(tmpdir(), "latency-")), "faults.json") });
    const record = await chaos.inject({ kind: "latency", node: "odoo1", peers: ["lb1"], delayMs: 200 });
    const scripts = calls.filter((call) => call.what === "exec").map((call) => call.detail![2]!);
    expect(scripts[1]).toMatch(/^setsid -f python3 \/tmp\/lab-chaos-nfqueue-delay.py/);
    expect(scripts[2]).toContain(`-d 192.168.55.101 -j NFQUEUE --queue-num ${delayQueueNumber(record.id)} --queue-bypass`);
    expect(scripts[2]).toContain(`iptables -w -I OUTPUT 1 -j LAB-CHAOS-${record.id}`);
    expect(record.notes?.[0]).toMatch(/no sch_netem, so the lab's NFQUEUE program/);
    calls.length = 0;
    await chaos.heal(record.id);
    const healScripts = calls.filter((call) => call.what === "exec").map((call) => call.detail![2]!);
    expect(healScripts[0]).toContain(`iptables -w -D OUTPUT -j LAB-CHAOS-${record.id}`); // unhooked before the program stops
    expect(healScripts.some((script) => script.startsWith("pkill -TERM"))).toBe(true);
  });
});
