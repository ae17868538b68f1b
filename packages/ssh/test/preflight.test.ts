import { describe, expect, it } from "vitest";
import { bookwormLab } from "./support/bookworm-lab.ts";
import { findNode } from "@odoo-ha-lab/topology";
import { SshEndpoint } from "../src/openssh.ts";
import { connectionProblem, factProblems, parseFacts } from "../src/preflight.ts";

const topology = bookwormLab();
const lb1 = findNode(topology, "lb1");
const endpoint = new SshEndpoint({ node: "lb1", host: "10.0.0.11", port: 22, user: "admin", identityFile: "/keys/lab", sudo: true, knownHosts: undefined, powerOff: undefined, powerOn: undefined }, { labKnownHosts: "/s/known_hosts", socketDir: "/s/ssh" });
const facts = (os: string, address = lb1.address) =>
  parseFacts(`uid=0\nos=${os}\npretty=${os}\nsystemd=yes\naddr=2: eth0    inet ${address}/24 brd x scope global eth0\\\n`);

describe("preflight", () => {
  it("finds the interface that carries the node's address", () => {
    expect(parseFacts("addr=1: lo    inet 127.0.0.1/8 scope host lo\naddr=7: ens3@if9    inet 10.1.1.1/24 brd x").addresses).toEqual([
      { interfaceName: "lo", address: "127.0.0.1" },
      { interfaceName: "ens3", address: "10.1.1.1" },
    ]);
    expect(factProblems(topology, lb1, facts("debian 12"), endpoint.entry)).toEqual([]);
  });

  it("wants an interface for each network of a lab of zones, and names the missing one's network", async () => {
    const { fileURLToPath } = await import("node:url");
    const { loadTopologyFile } = await import("@odoo-ha-lab/topology");
    const zones = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha-zones/topology.yaml", import.meta.url)));
    const zoneLb1 = findNode(zones, "lb1");
    const onlyFront = parseFacts("uid=0\nos=debian 13\npretty=Debian 13\nsystemd=yes\naddr=2: ens3    inet 192.168.64.101/24 brd x scope global ens3\\\n");
    expect(factProblems(zones, zoneLb1, onlyFront, endpoint.entry)).toEqual([
      { node: "lb1", message: "no interface carries its address 192.168.65.101 on network 'data' (it has: ens3 192.168.64.101)", fix: "give the machine 192.168.65.101 on an interface in network 'data', or change nodes.lb1.networks.data in the topology" },
    ]);
    const both = parseFacts("uid=0\nos=debian 13\npretty=Debian 13\nsystemd=yes\naddr=2: ens3    inet 192.168.64.101/24 brd x\naddr=3: ens4    inet 192.168.65.101/24 brd x");
    expect(factProblems(zones, zoneLb1, both, endpoint.entry)).toEqual([]);
  });

  it("refuses an unsupported OS and a machine without the node's address, saying what to do", () => {
    const problems = factProblems(topology, lb1, facts("debian 11", "10.0.0.5"), endpoint.entry);
    expect(problems.map((problem) => problem.message)).toEqual([
      "unsupported OS 'debian 11'",
      `no interface carries its topology address ${lb1.address} (it has: eth0 10.0.0.5)`,
    ]);
    expect(problems.every((problem) => problem.node === "lb1" && problem.fix.length > 0)).toBe(true);
    expect(factProblems(topology, lb1, facts("ubuntu 24.04"), endpoint.entry)).toEqual([]);
  });

  it("refuses a Patroni timing the machine's Patroni would change, before anything is installed", () => {
    const pg1 = findNode(topology, "postgresql1");
    // ttl 5 / retry_timeout 2: Debian 12's Patroni 3.0.2 takes them; Ubuntu 24.04's 3.2.2 raises both.
    const fast = { ...topology, postgres: { ...topology.postgres, patroni: { ...topology.postgres.patroni, ttl: 5, retryTimeout: 2 } } };
    expect(factProblems(fast, pg1, facts("debian 12", pg1.address), endpoint.entry)).toEqual([]);
    const problems = factProblems(fast, pg1, facts("ubuntu 24.04", pg1.address), endpoint.entry);
    expect(problems.map((problem) => problem.message)).toEqual([
      "postgres.patroni.ttl: ubuntu 24.04's Patroni 3.2.2 raises ttl 5 to its minimum 20 (with only a warning in its log)",
      "postgres.patroni.retryTimeout: ubuntu 24.04's Patroni 3.2.2 raises retryTimeout 2 to its minimum 3 (with only a warning in its log)",
    ]);
    expect(factProblems(topology, pg1, facts("ubuntu 24.04", pg1.address), endpoint.entry)).toEqual([]);
    // Only the database nodes run Patroni.
    expect(factProblems(fast, lb1, facts("ubuntu 24.04"), endpoint.entry)).toEqual([]);
  });

  it("holds a Debian machine to the topology's release, and its PostgreSQL to what apt offers", () => {
    const pg1 = findNode(topology, "postgresql1");
    const [mismatch] = factProblems(topology, lb1, facts("debian 13"), endpoint.entry);
    expect(mismatch).toEqual({ node: "lb1", message: "runs debian 13, but the topology's release is debian-12", fix: "set release: debian-13 in the topology, or give lb1 Debian 12" });
    const missing = parseFacts(`uid=0\nos=ubuntu 24.04\nsystemd=yes\naddr=2: eth0    inet ${pg1.address}/24 brd x\npostgres=missing\n`);
    expect(factProblems(topology, pg1, missing, endpoint.entry).map((problem) => problem.message)).toEqual(["its apt sources offer no postgresql-15 (release debian-12 runs PostgreSQL 15)"]);
  });

  it("holds an app node to Debian 12 in every release (Odoo 17's Python), the other nodes to the lab's", () => {
    const trixie = { ...topology, release: "debian-13" as const, odoo: { ...topology.odoo, source: "/src/odoo-17.0-src.tar.xz" } };
    const odoo1 = findNode(trixie, "odoo1");
    expect(factProblems(trixie, odoo1, facts("debian 12", odoo1.address), endpoint.entry)).toEqual([]);
    expect(factProblems(trixie, lb1, facts("debian 12"), endpoint.entry).map((problem) => problem.message)).toEqual(["runs debian 12, but the topology's release is debian-13"]);
    // With its own Odoo or one from the source: its packages are Debian 12's names either way.
    for (const lab of [trixie, { ...trixie, odoo: { ...trixie.odoo, source: undefined } }, topology]) {
      const [problem] = factProblems(lab, findNode(lab, "odoo1"), { ...facts("debian 13", odoo1.address), odoo: "/usr/bin/odoo" }, endpoint.entry);
      expect(problem!.message).toMatch(/an app node runs Debian 12 in every release \(Odoo 17 is made for its Python/);
      expect(problem!.fix).toBe("give odoo1 Debian 12, as the Docker target's Odoo image has");
    }
  });

  it("requires an Odoo source to install, or odoo on PATH, and root", () => {
    const odoo1 = findNode(topology, "odoo1");
    const [problem] = factProblems(topology, odoo1, facts("debian 12", odoo1.address), endpoint.entry);
    expect(problem!.message).toMatch(/no `odoo` on its PATH, and the topology names no Odoo source/);
    expect(problem!.fix).toMatch(/--odoo-source/);
    const fromSource = { ...topology, odoo: { ...topology.odoo, source: "/src/odoo-17.0-src.tar.xz" } };
    expect(factProblems(fromSource, findNode(fromSource, "odoo1"), facts("debian 12", odoo1.address), endpoint.entry)).toEqual([]);
    const notRoot = parseFacts("uid=1000\nos=debian 12\nsystemd=yes");
    expect(factProblems(topology, lb1, notRoot, endpoint.entry)[0]!.fix).toMatch(/sudo: true/);
  });

  it("tells a wrong key from an unreachable host, a changed host key and missing sudo", () => {
    expect(connectionProblem("lb1", endpoint, "admin@10.0.0.11: Permission denied (publickey).").message).toMatch(/refused the key \/keys\/lab/);
    expect(connectionProblem("lb1", endpoint, "ssh: connect to host 10.0.0.11 port 22: No route to host").message).toMatch(/cannot reach admin@10.0.0.11/);
    expect(connectionProblem("lb1", endpoint, "Host key verification failed.").fix).toMatch(/ssh-keygen -R 10.0.0.11 -f \/s\/known_hosts/);
    expect(connectionProblem("lb1", endpoint, "sudo: a password is required").message).toMatch(/cannot run sudo without a password/);
  });
});
