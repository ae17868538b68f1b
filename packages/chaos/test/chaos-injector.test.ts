import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, expect, it } from "vitest";
import { generateSecrets } from "@odoo-ha-lab/roles";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { ChaosHealError, ChaosInjector, FaultSpecError, type FaultRecord } from "../src/index.ts";
import type { HostCall, ScriptedHost } from "@odoo-ha-lab/machine";
import { FakeNodeControl, scriptedHosts, type ExecHandler } from "./fakes.ts";

const topology = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));

let calls: HostCall[];
let nodes: FakeNodeControl;
let journalPath: string;
let handler: ExecHandler;
let hosts: Map<string, ScriptedHost>;

function injector(): ChaosInjector {
  return new ChaosInjector({ topology, hosts, nodes, journalPath });
}

const journal = (): { lab: string; faults: FaultRecord[] } => JSON.parse(readFileSync(journalPath, "utf8"));
const scripts = (node: string) => calls.filter((call) => call.node === node && call.what === "exec").map((call) => call.detail![2]!);

beforeEach(() => {
  calls = [];
  nodes = new FakeNodeControl(calls);
  journalPath = join(mkdtempSync(join(tmpdir(), "chaos-")), "faults.json");
  handler = () => undefined;
  hosts = scriptedHosts(topology.nodes.map((node) => node.name), calls, (...args) => handler(...args));
});

describe("ChaosInjector", () => {
  it("writes the record to the journal before it acts", async () => {
    let seenInJournal: FaultRecord[] | undefined;
    handler = () => ((seenInJournal = journal().faults), undefined);
    const record = await injector().inject({ kind: "partition", groups: [["lb1"], ["lb2"]] });
    expect(seenInJournal?.map((fault) => fault.id)).toEqual([record.id]);
    expect(seenInJournal?.[0]?.activeAt).toBeUndefined();
    expect(record.activeAt).toBeGreaterThanOrEqual(record.injectedAt);
    expect(journal()).toMatchObject({ lab: "odoo-ha", faults: [{ id: record.id, spec: { kind: "partition" } }] });
  });

  it("records when a fault took effect where its action tells, within the injection's own span", async () => {
    // crash-postgres's script answers with the postmaster's pid and the instant it killed it.
    const killedAt = Date.now();
    handler = (_node, command) => (command.join(" ").includes("kill -KILL") ? { exitCode: 0, stdout: `4242 ${killedAt}\n`, stderr: "" } : undefined);
    const record = await injector().inject({ kind: "crash-postgres", node: "postgresql1" });
    expect(record.landedAt).toBe(Math.max(killedAt, record.injectedAt));
    expect(record.notes).toEqual(["postgresql1: postmaster 4242 killed; Patroni is left to restart it or fail over"]);
    // A node's clock ahead of this one's: the instant is brought into the injection (never after it was active).
    handler = (_node, command) => (command.join(" ").includes("kill -KILL") ? { exitCode: 0, stdout: `4243 ${Date.now() + 60_000}\n`, stderr: "" } : undefined);
    const ahead = await injector().inject({ kind: "crash-postgres", node: "postgresql1" });
    expect(ahead.landedAt).toBe(ahead.activeAt);
    // A fault whose action cannot tell has none: it is timed from its injection.
    expect((await injector().inject({ kind: "partition", groups: [["lb1"], ["lb2"]] })).landedAt).toBeUndefined();
  });

  it("asks the leader's REST API for a switchover with the lab's credentials, and records when it asked", async () => {
    const secrets = generateSecrets();
    const askedAt = Date.now();
    const seen: { command: string[]; env?: Record<string, string> }[] = [];
    handler = (_node, command, options) => {
      seen.push({ command, ...(options?.env ? { env: options.env } : {}) });
      return { exitCode: 0, stdout: `Successfully switched over to "postgresql2"\n${askedAt}\n`, stderr: "" };
    };
    const chaos = new ChaosInjector({ topology, hosts, nodes, journalPath, secrets });
    const record = await chaos.inject({ kind: "switchover", node: "postgresql1", candidate: "postgresql2" });
    expect(record.landedAt).toBe(Math.min(Math.max(askedAt, record.injectedAt), record.activeAt!));
    expect(record.notes).toEqual(['postgresql1: Successfully switched over to "postgresql2"']);
    const [asked] = seen;
    expect(asked!.command.at(-1)).toBe(JSON.stringify({ leader: "postgresql1", candidate: "postgresql2" }));
    expect(asked!.command.join(" ")).toContain("/switchover");
    // The password goes in the environment, never on the command line.
    expect(asked!.env).toEqual({ PATRONI_REST_PASSWORD: secrets.patroniRestPassword });
    expect(asked!.command.join(" ")).not.toContain(secrets.patroniRestPassword);
    // A refusal (the node does not lead) fails the injection with Patroni's answer.
    handler = () => ({ exitCode: 4, stdout: "", stderr: "Patroni refused the switchover (HTTP 412): leader name does not match" });
    await expect(chaos.inject({ kind: "switchover", node: "postgresql1" })).rejects.toThrow(/HTTP 412\): leader name does not match/);
  });

  it("heals by removing the chain it added, on the nodes it added it to; a second heal does nothing", async () => {
    const chaos = injector();
    const record = await chaos.inject({ kind: "partition", groups: [["lb1"], ["lb2"]] });
    expect(scripts("lb1")[0]).toContain(`iptables -w -A LAB-CHAOS-${record.id} -s 192.168.55.102 -j DROP`);
    calls.length = 0;
    const healed = await chaos.heal(record.id);
    expect(healed.healedAt).toBeGreaterThanOrEqual(healed.healStartedAt!);
    expect(scripts("lb1")[0]).toContain(`iptables -w -X LAB-CHAOS-${record.id}`);
    expect(scripts("lb2")).toHaveLength(1);
    calls.length = 0;
    expect((await chaos.heal(record.id)).healedAt).toBe(healed.healedAt);
    expect(calls).toEqual([]);
  });

  it("node faults go through NodeControl, and heal brings the node back", async () => {
    const chaos = injector();
    const killed = await chaos.inject({ kind: "kill-node", node: "postgresql1" });
    const paused = await chaos.inject({ kind: "pause-node", node: "lb2" });
    expect(await nodes.state("postgresql1")).toBe("stopped");
    expect(await nodes.state("lb2")).toBe("paused");
    await chaos.heal(killed.id);
    await chaos.heal(paused.id);
    expect(calls.map((call) => `${call.what} ${call.node}`)).toEqual(["kill postgresql1", "pause lb2", "start postgresql1", "unpause lb2"]);
  });

  it("a killed app node is brought back out of the balancers: drained before it starts, warmed, then put back once UP", async () => {
    const STAT_HEADER = "# pxname,svname,qcur,qmax,scur,smax,status";
    let ready = false;
    handler = (node, command) => {
      const asked = command.at(-1)!;
      if (asked.endsWith("state ready")) ready = true;
      if (command.join(" ").includes("/web/health")) return { exitCode: 0, stdout: '{"status": "pass"}', stderr: "" };
      if (asked !== "show stat") return undefined;
      return { exitCode: 0, stdout: `${STAT_HEADER}\nodoo_http,odoo1,0,0,0,4,${ready ? "UP" : "DRAIN"}\n`, stderr: "" };
    };
    const chaos = injector();
    const killed = await chaos.inject({ kind: "kill-node", node: "odoo1" });
    calls.length = 0;
    await chaos.heal(killed.id);
    const steps = calls.map((call) => (call.what === "exec" ? `${call.node}: ${call.detail!.join(" ").includes("/web/health") ? "health" : call.detail!.at(-1)!.startsWith("{") || call.detail!.join(" ").includes("urllib") ? "warm-up" : call.detail!.at(-1)}` : `${call.what} ${call.node}`));
    expect(steps).toEqual([
      "lb1: set server odoo_http/odoo1 state drain",
      "lb1: show stat",
      "lb2: set server odoo_http/odoo1 state drain",
      "lb2: show stat",
      "start odoo1",
      "odoo1: health",
      "odoo1: warm-up",
      "lb1: set server odoo_http/odoo1 state ready",
      "lb1: show stat",
      "lb2: set server odoo_http/odoo1 state ready",
      "lb2: show stat",
    ]);
    // A node that is not behind the balancers just starts.
    calls.length = 0;
    await chaos.heal((await chaos.inject({ kind: "kill-node", node: "postgresql1" })).id);
    expect(calls.map((call) => `${call.what} ${call.node}`)).toEqual(["kill postgresql1", "start postgresql1"]);
  });

  it("service faults go through the service manager; heal starts the service and waits until it runs", async () => {
    const chaos = injector();
    const record = await chaos.inject({ kind: "kill-service", node: "lb1", service: "haproxy" });
    await chaos.heal(record.id);
    expect(calls.map((call) => `${call.what} ${call.detail?.[0]} on ${call.node}`)).toEqual(["service kill haproxy on lb1", "service start haproxy on lb1"]);
  });

  it("healAll in a new process heals what a crashed one left, newest first, and is idempotent", async () => {
    const first = injector();
    const partition = await first.inject({ kind: "partition", groups: [["lb1"], ["lb2"]] });
    const pause = await first.inject({ kind: "pause-node", node: "lb1" });
    const done = await first.inject({ kind: "stop-service", node: "lb2", service: "glusterd" });
    await first.heal(done.id);
    // The first injector "crashes": a new one on the same journal takes over.
    calls.length = 0;
    const second = injector();
    const healed = await second.healAll();
    expect(healed.map((record) => record.id)).toEqual([pause.id, partition.id]);
    // The unpause came before the rules were removed from inside lb1.
    expect(calls[0]).toMatchObject({ what: "unpause", node: "lb1" });
    expect((await second.records()).every((record) => record.healedAt !== undefined)).toBe(true);
    calls.length = 0;
    expect(await second.healAll()).toEqual([]);
    expect(calls).toEqual([]);
  });

  it("healAll retries what failed while a round makes progress: a fault on a node paused before it heals after the unpause", async () => {
    const chaos = injector();
    const pause = await chaos.inject({ kind: "pause-node", node: "lb2" });
    // Injected on the paused node: fails, and so does its rollback, so it stays unhealed (newest).
    await expect(chaos.inject({ kind: "partition", groups: [["lb1"], ["lb2"]] })).rejects.toThrow(/undoing it failed too/);
    const healed = await chaos.healAll();
    expect(healed.map((record) => record.spec.kind)).toEqual(["pause-node", "partition"]);
    expect(healed[0]!.id).toBe(pause.id);
  });

  it("healAll tries every heal, then names each that failed in one error", async () => {
    const chaos = injector();
    const a = await chaos.inject({ kind: "partition", groups: [["lb1"], ["odoo1"]] });
    const b = await chaos.inject({ kind: "bandwidth", node: "postgresql2", rateKbit: 16 });
    const c = await chaos.inject({ kind: "isolate", node: "odoo2" });
    handler = (node, command) => (node === "odoo1" && command[2]!.includes("iptables -w -D") ? { exitCode: 4, stdout: "", stderr: "chain still there" } : undefined);
    const error = await chaos.healAll().then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(ChaosHealError);
    const heal = error as ChaosHealError;
    // odoo1 is in both the partition and the isolation: both fail, the bandwidth fault heals.
    expect(heal.failures.map((failure) => failure.record.id).sort()).toEqual([a.id, c.id].sort());
    expect(heal.healed.map((record) => record.id)).toEqual([b.id]);
    expect(heal.message).toMatch(new RegExp(`${a.id} \\(partition \\[lb1\\] \\| \\[odoo1\\]\\): .*on odoo1: removing iptables chain LAB-CHAOS-${a.id} failed \\(exit 4\\)`, "s"));
    const records = await chaos.records();
    expect(records.find((record) => record.id === a.id)?.error).toMatch(/^heal: /);
    // Fixed: the next healAll retries only the two that failed, and clears their heal errors.
    handler = () => undefined;
    expect((await chaos.healAll()).map((record) => record.id).sort()).toEqual([a.id, c.id].sort());
    expect((await chaos.records()).find((record) => record.id === a.id)?.error).toBeUndefined();
  });

  it("a failed inject is rolled back at once and its story stays in the journal", async () => {
    handler = (_node, command) => (command[2]?.includes("tc qdisc replace") ? { exitCode: 2, stdout: "", stderr: "RTNETLINK answers: Operation not permitted" } : undefined);
    const error = (await injector().inject({ kind: "bandwidth", node: "lb1", rateKbit: 100 }).catch((failure: Error) => failure)) as Error;
    expect(error.message).toMatch(/^cannot throttle lb1 to 100 kbit\/s \(both\) \(fault [0-9a-f]{8}\): on lb1: throttling what it sends to 100 kbit\/s failed \(exit 2\)/);
    expect(error.message).toMatch(/what it had done was undone/);
    const [record] = journal().faults;
    expect(record).toMatchObject({ error: expect.stringMatching(/^inject: /), healedAt: expect.any(Number) });
    expect(record!.activeAt).toBeUndefined();
  });

  it("refuses a paused node with what to do, and skips a stopped one with a note", async () => {
    nodes.states.set("lb2", "paused");
    await expect(injector().inject({ kind: "partition", groups: [["lb1"], ["lb2"]] })).rejects.toThrow(/on lb2: the node is paused. Unpause it first/);
    nodes.states.set("lb2", "stopped");
    const record = await injector().inject({ kind: "partition", groups: [["lb1"], ["lb2"]] });
    expect(record.notes).toEqual(["lb2 is stopped: not running, so it got no rules (the other nodes still enforce their side)"]);
    // After a restart the node's rules are gone: heal must not fail on that (the script tolerates it),
    // and a node still down has nothing to undo.
    const healed = await injector().heal(record.id);
    expect(healed.notes).toContain("lb2 is stopped: its rules went away with it");
  });

  it("validates specs against the lab before touching anything", async () => {
    await expect(injector().inject({ kind: "partition", groups: [["lb1"], ["lb1", "nope"]] })).rejects.toThrow(FaultSpecError);
    await expect(injector().inject({ kind: "packet-loss", node: "lb1", probability: 2 })).rejects.toThrow(/probability: must be > 0 and <= 1/);
    expect(calls).toEqual([]);
  });

  it("drains an app node on every balancer and waits for its requests in flight; heal puts it back and waits until it is UP", async () => {
    const STAT_HEADER = "# pxname,svname,qcur,qmax,scur,smax,status";
    const inFlight = new Map([["lb1", [2, 0]], ["lb2", [0]]]);
    // After `state ready`, lb1's health check still has the restarted node rising.
    const statusAfterReady = new Map([["lb1", ["DOWN 1/2", "UP"]], ["lb2", ["UP"]]]);
    let ready = false;
    handler = (node, command) => {
      const asked = command.at(-1)!;
      if (asked.endsWith("state ready")) ready = true;
      if (asked !== "show stat") return undefined;
      const scur = ready ? 0 : (inFlight.get(node)!.shift() ?? 0);
      const status = ready ? (statusAfterReady.get(node)!.shift() ?? "UP") : "DRAIN";
      return { exitCode: 0, stdout: `${STAT_HEADER}\nodoo_http,FRONTEND,,,9,9,OPEN\nodoo_http,odoo1,0,0,${scur},4,${status}\nodoo_http,odoo2,0,0,5,7,UP\n`, stderr: "" };
    };
    const chaos = injector();
    const record = await chaos.inject({ kind: "drain-app-node", node: "odoo1" });
    const asked = (node: string) => calls.filter((call) => call.node === node && call.what === "exec").map((call) => call.detail!.at(-1));
    expect(asked("lb1")).toEqual(["set server odoo_http/odoo1 state drain", "show stat", "show stat"]);
    expect(asked("lb2")).toEqual(["set server odoo_http/odoo1 state drain", "show stat"]);
    calls.length = 0;
    await chaos.heal(record.id);
    expect(asked("lb1")).toEqual(["set server odoo_http/odoo1 state ready", "show stat", "show stat"]);
    expect(asked("lb2")).toEqual(["set server odoo_http/odoo1 state ready", "show stat"]);
    // HAProxy answers a refused command with a sentence: that is an error, not a silent success.
    handler = (_node, command) => (command.at(-1)!.startsWith("set ") ? { exitCode: 0, stdout: "No such server.\n", stderr: "" } : undefined);
    await expect(chaos.inject({ kind: "drain-app-node", node: "odoo2" })).rejects.toThrow(/HAProxy refused 'set server odoo_http\/odoo2 state drain': No such server/);
    await expect(chaos.inject({ kind: "drain-app-node", node: "lb1" })).rejects.toThrow(/node: lb1 is not behind the load balancers; drain one of odoo1, odoo2/);
  });

  it("refuses a journal of another lab", async () => {
    writeFileSync(journalPath, JSON.stringify({ version: 1, lab: "other", faults: [] }));
    await expect(injector().records()).rejects.toThrow(/belongs to lab 'other', not 'odoo-ha'/);
  });

  it("logs each step with a timestamp", async () => {
    const lines: string[] = [];
    const chaos = new ChaosInjector({ topology, hosts, nodes, journalPath, log: (line) => lines.push(line) });
    const record = await chaos.inject({ kind: "isolate", node: "odoo1" });
    await chaos.heal(record.id);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z inject ${record.id}: isolate odoo1$`)),
      expect.stringMatching(new RegExp(`Z injected ${record.id} in \\d+ ms: isolate odoo1$`)),
      expect.stringMatching(new RegExp(`Z heal ${record.id}: isolate odoo1$`)),
      expect.stringMatching(new RegExp(`Z healed ${record.id} in \\d+ ms: isolate odoo1$`)),
    ]);
  });
});
