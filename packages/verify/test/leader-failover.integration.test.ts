import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerLab } from "@odoo-ha-lab/docker";
import { readPatroniCluster, type LabSecrets } from "@odoo-ha-lab/roles";
import { waitFor, type Host } from "@odoo-ha-lab/machine";
import { loadTopologyFile, type Topology } from "@odoo-ha-lab/topology";
import { checkHistory, OpenLoopWorkload, ProbeSampler, verifyFinalState, writeReport, type CheckerResult, type History, type OpenLoopKind } from "../src/index.ts";
import { DEFAULT_TOPOLOGY, lab } from "./lab-command.ts";

/**
 * The verifier against a real lab: load through the VIP and probes, `docker kill` of the Patroni
 * leader, a new leader, the old one started again, then the final read-back and the checkers.
 */
const LAB = { LAB_NAME: "verify-it", LAB_SUBNET: "192.168.85.0/24" };
const docker = new Dockerode();
let topology: Topology;
let secrets: LabSecrets;
let hosts: Map<string, Host>;

async function leaderSeenBy(node: string): Promise<string | undefined> {
  const cluster = await readPatroniCluster(hosts.get(node)!);
  return cluster.members.find((member) => member.role === "leader")?.name;
}

beforeAll(async () => {
  await lab(["down"], LAB); // a leftover of an interrupted run
  const up = await lab(["up", "--json"], LAB);
  if (up.code !== 0) throw new Error(`lab up failed:\n${up.stderr}`);
  secrets = JSON.parse(readFileSync((JSON.parse(up.stdout) as { credentials: string }).credentials, "utf8")) as LabSecrets;
  topology = loadTopologyFile(DEFAULT_TOPOLOGY, { name: LAB.LAB_NAME, subnet: LAB.LAB_SUBNET });
  hosts = new DockerLab(docker, topology).hosts();
});

afterAll(async () => {
  if (process.env.LAB_TEST_KEEP) return;
  await lab(["down"], LAB);
});

describe("killing the Patroni leader under load", () => {
  let history: History;
  let results: CheckerResult[];
  let reportHtml: string;

  it("runs load and probes through a leader kill, heals, and reads every acknowledged write back", async () => {
    const sampler = new ProbeSampler({ topology, hosts, secrets, intervalMs: 250, maxDurationMs: 180_000 });
    const workload = new OpenLoopWorkload({
      topology,
      secrets,
      timeoutMs: 2000,
      maxDurationMs: 180_000,
      rates: { "sql.write": 10, "sql.read": 4, "odoo.partner.write": 3, "odoo.partner.read": 3, "odoo.attachment.upload": 2, "odoo.attachment.download": 2, "odoo.session.call": 3, "odoo.login": 0.2 },
    });
    const startedAt = Date.now();
    sampler.start();
    await workload.start();
    // Every kind but the rare login (one per 5 s) must have worked before the fault, and again after the heal.
    const steadyKinds: OpenLoopKind[] = ["sql.write", "sql.read", "odoo.partner.write", "odoo.partner.read", "odoo.attachment.upload", "odoo.attachment.download", "odoo.session.call"];
    await workload.untilSteady(steadyKinds, startedAt, 90_000);

    const leader = await leaderSeenBy("postgresql1");
    expect(leader, "a Patroni leader before the fault").toMatch(/^postgresql[12]$/);
    const survivor = leader === "postgresql1" ? "postgresql2" : "postgresql1";
    const container = docker.getContainer(`${LAB.LAB_NAME}-${leader}`);
    const injectedAt = Date.now();
    await container.kill();
    await waitFor(`${survivor} to become the Patroni leader`, async () => {
      const seen = await leaderSeenBy(survivor);
      return seen === survivor ? { done: true, value: seen } : { done: false, observation: `leader: ${seen ?? "none"}` };
    }, { timeoutMs: 60_000, intervalMs: 250 });
    await container.start();
    const healedAt = Date.now();
    await workload.untilSteady(steadyKinds, healedAt, 90_000);
    // The old leader rejoins as a replica (pg_rewind) under the load, so the read-back also covers the
    // writes acknowledged meanwhile. (Reads no longer wait for it: VIP:5434 falls back to the primary.)
    await waitFor(`${leader} to stream again as a replica`, async () => {
      const member = (await readPatroniCluster(hosts.get(survivor)!)).members.find((candidate) => candidate.name === leader);
      return member && member.role !== "leader" && ["streaming", "running"].includes(member.state) && member.lagBytes !== undefined
        ? { done: true, value: undefined }
        : { done: false, observation: member ? `${member.role}/${member.state}` : "not a member yet" };
    }, { timeoutMs: 90_000, intervalMs: 250 });

    const operations = await workload.stop();
    const probes = await sampler.stop();
    const endedAt = Date.now();
    const finalState = await verifyFinalState({ topology, secrets, operations, since: startedAt });
    history = {
      lab: LAB.LAB_NAME,
      scenario: "kill-patroni-leader",
      startedAt,
      endedAt,
      operations,
      probes,
      faults: [{ id: `kill-${leader}`, description: `docker kill ${LAB.LAB_NAME}-${leader}, docker start once ${survivor} led`, injectedAt, healedAt }],
      finalState,
    };
    results = checkHistory(history);
    const dir = mkdtempSync(join(tmpdir(), "verify-it-report-"));
    reportHtml = (await writeReport(history, results, dir)).html;

    const count = (kind: string, outcome: string) => operations.filter((op) => op.kind === kind && op.outcome === outcome).length;
    console.log(`report: ${reportHtml}`);
    console.log(`${operations.length} operations; sql.write ok/fail/indeterminate ${count("sql.write", "ok")}/${count("sql.write", "fail")}/${count("sql.write", "indeterminate")}`);
    for (const result of results) console.log(`${result.ok ? "PASS" : "FAIL"} ${result.name}: ${result.summary}`);
    expect(finalState.errors).toEqual([]);
  });

  it("measures the sql.write outage, and it is under 30 s", () => {
    const recovery = results.find((result) => result.name === "recovery:sql.write")!;
    expect(recovery.ok, recovery.counterexamples.join("\n")).toBe(true);
    expect(recovery.metrics.outageSeconds).toBeGreaterThan(0); // the kill was seen
    expect(recovery.metrics.outageSeconds).toBeLessThan(30);
    expect(recovery.metrics.failed! + recovery.metrics.indeterminate!).toBeGreaterThan(0);
  });

  it("loses no acknowledged write (synchronous replication)", () => {
    const lost = results.find((result) => result.name === "lost-writes")!;
    expect(lost.counterexamples).toEqual([]);
    expect(lost.metrics.lost).toBe(0);
    expect(lost.metrics["acknowledged:sql.write"]).toBeGreaterThan(50);
    expect(lost.ok).toBe(true);
  });

  it("never has two writable primaries nor two VIP holders", () => {
    const splitBrain = results.find((result) => result.name === "split-brain")!;
    const vip = results.find((result) => result.name === "single-vip-holder")!;
    expect(splitBrain.ok, splitBrain.counterexamples.join("\n")).toBe(true);
    expect(splitBrain.metrics.answered).toBeGreaterThan(20);
    expect(vip.ok, vip.counterexamples.join("\n")).toBe(true);
  });

  it("names the app node that served each acknowledged Odoo call (HAProxy's X-Lab-Backend)", () => {
    const served = new Set(history.operations.filter((op) => op.kind.startsWith("odoo.") && op.outcome === "ok").map((op) => op.servedBy));
    expect([...served].sort()).toEqual(["odoo1", "odoo2"]);
  });

  it("writes a report.html", () => {
    expect(existsSync(reportHtml)).toBe(true);
    expect(readFileSync(reportHtml, "utf8")).toContain("recovery:sql.write");
  });
});
