import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateSecrets } from "@odoo-ha-lab/roles";
import { exitedWith, ScriptedHost, succeeded, type Host } from "@odoo-ha-lab/machine";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { answersOf, samplesOf } from "../src/history.ts";
import { ProbeSampler } from "../src/probes/probe-sampler.ts";

const topology = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));
const cluster = (leader: string) => JSON.stringify({ members: [{ name: "postgresql1", role: leader === "postgresql1" ? "leader" : "replica", state: "running" }, { name: "postgresql2", role: leader === "postgresql2" ? "leader" : "sync_standby", state: "running" }] });

describe("ProbeSampler", () => {
  beforeEach(() => vi.useFakeTimers({ now: 5_000_000 }));
  afterEach(() => vi.useRealTimers());

  function lab(options: { vipOn: string[]; leader: () => string; odoo2StatHangs?: boolean; postgresql1Down?: boolean }): Map<string, Host> {
    const hosts = new Map<string, Host>();
    for (const lb of ["lb1", "lb2"]) {
      hosts.set(lb, new ScriptedHost(lb, { answer: () => succeeded(`2: eth0    inet 192.168.55.${lb === "lb1" ? 101 : 102}/24 brd x\\${options.vipOn.includes(lb) ? "\n2: eth0    inet 192.168.55.100/32 scope global eth0" : ""}`) }));
    }
    for (const pg of ["postgresql1", "postgresql2"]) {
      hosts.set(pg, new ScriptedHost(pg, { answer: () => {
        if (pg === "postgresql1" && options.postgresql1Down) throw new Error("container is not running");
        return succeeded(cluster(options.leader()));
      } }));
    }
    for (const app of ["odoo1", "odoo2"]) {
      hosts.set(app, new ScriptedHost(app, { answer: (command) => {
        if (command.includes("mountpoint")) return succeeded();
        if (app === "odoo2" && options.odoo2StatHangs) return new Promise(() => {}); // a hung brick
        return command.includes("stat") ? succeeded() : exitedWith();
      } }));
    }
    return hosts;
  }

  it("samples each probe on a fixed grid and records what the nodes answered", async () => {
    let leader = "postgresql1";
    const sampler = new ProbeSampler({ topology, hosts: lab({ vipOn: ["lb1"], leader: () => leader }), secrets: generateSecrets(), intervalMs: 250, probes: ["vip-holders", "patroni-leader", "storage"] });
    sampler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    leader = "postgresql2";
    await vi.advanceTimersByTimeAsync(999);
    const samples = await sampler.stop();
    expect(samplesOf(samples, "vip-holders")).toHaveLength(8); // 0, 250, ..., 1750 ms
    expect(answersOf(samples, "vip-holders").every((sample) => JSON.stringify(sample.value.holders) === '["lb1"]')).toBe(true);
    expect(answersOf(samples, "patroni-leader").map((sample) => sample.value.leader)).toEqual([...Array(5).fill("postgresql1"), ...Array(3).fill("postgresql2")]); // the change lands after 1000 ms
    expect(samplesOf(samples, "storage")[0]!.value).toMatchObject({ odoo1: "ok", odoo2: "ok" });
    expect(sampler.skippedInstants).toBe(0);
  });

  it("records a dead node and two VIP holders as seen, and a hung probe as an error without piling up", async () => {
    const sampler = new ProbeSampler({ topology, hosts: lab({ vipOn: ["lb1", "lb2"], leader: () => "postgresql2", odoo2StatHangs: true, postgresql1Down: true }), secrets: generateSecrets(), intervalMs: 250, timeoutMs: 1_000, probes: ["vip-holders", "patroni-leader", "storage"] });
    sampler.start();
    await vi.advanceTimersByTimeAsync(3_000);
    const stopping = sampler.stop();
    await vi.advanceTimersByTimeAsync(2_000);
    const samples = await stopping;
    expect(answersOf(samples, "vip-holders")[0]!.value.holders).toEqual(["lb1", "lb2"]);
    const patroni = samples.find((sample) => sample.probe === "patroni-leader")!;
    expect(patroni.value).toMatchObject({ leader: "postgresql2", views: { postgresql1: "unreachable", postgresql2: "postgresql2" } });
    const storage = samples.filter((sample) => sample.probe === "storage");
    expect(storage[0]!.value.error).toBe("probe did not answer within 1500 ms");
    expect(storage[0]!.value.tookMs).toBe(1_500);
    // One sample per 1.5 s instead of six: the instants in between were skipped, not queued.
    expect(storage.length).toBeLessThanOrEqual(3);
    expect(sampler.skippedInstants).toBeGreaterThanOrEqual(8);
  });
});
