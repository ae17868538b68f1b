import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MAX_INPUT_FILE_BYTES, PATRONI_OF_OS, addressFor, addressOn, findNode, groupNetwork, sharedNetwork, ROLE_GROUPS, patroniTimingProblems, TopologyError, loadTopologyFile, nodesWithRole, parseTopology, toDot, toMermaid } from "../src/index.ts";

const DEFAULT_FILE = fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url));
const defaultText = readFileSync(DEFAULT_FILE, "utf8");

/** Parses the default file after a textual edit, returning the issues (or [] if valid). */
function issuesAfter(edit: (text: string) => string): { path: string; message: string; fix: string }[] {
  try {
    parseTopology(edit(defaultText), "test.yaml");
    return [];
  } catch (error) {
    if (error instanceof TopologyError) return error.issues;
    throw error;
  }
}

describe("the default lab (the seed's six nodes, and a monitor node)", () => {
  const topology = loadTopologyFile(DEFAULT_FILE);

  it("has the seed's nodes and addresses, and its monitoring on a node of its own", () => {
    expect(Object.fromEntries(topology.nodes.map((node) => [node.name, node.address]))).toEqual({
      lb1: "192.168.55.101",
      lb2: "192.168.55.102",
      odoo1: "192.168.55.111",
      odoo2: "192.168.55.112",
      postgresql1: "192.168.55.121",
      postgresql2: "192.168.55.122",
      monitor1: "192.168.55.131",
    });
    expect(findNode(topology, "monitor1").roles).toEqual(["monitor"]);
    expect(topology.vip.address).toBe("192.168.55.100");
    expect(topology.networks[0]!.gateway).toBe("192.168.55.1");
  });

  it("puts the VIP on lb1/lb2, the filestore on lb2 and etcd on three nodes off the database", () => {
    expect(topology.vip.holders).toEqual(["lb1", "lb2"]);
    expect(topology.storage.servers).toEqual(["lb2"]);
    expect(nodesWithRole(topology, "etcd").map((node) => node.name)).toEqual(["lb1", "lb2", "odoo2"]);
    expect(topology.services).toEqual({ databaseReadWritePort: 5433, databaseReadOnlyPort: 5434, webPort: 80 });
  });

  it("resolves per-node Odoo settings from the lab defaults", () => {
    expect(topology.nodes.find((node) => node.name === "odoo1")?.odoo).toEqual({ workers: 4, maxCronThreads: 1, http: true });
    expect(topology.nodes.find((node) => node.name === "lb1")?.odoo).toBeUndefined();
  });

  it("pools nothing, and reads session pooling as PgBouncer's mode where a lab has a pooler", () => {
    expect(nodesWithRole(topology, "pgbouncer")).toEqual([]);
    const pooled = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha-pgbouncer/topology.yaml", import.meta.url)));
    expect(nodesWithRole(pooled, "pgbouncer").map((node) => node.name)).toEqual(["postgresql1", "postgresql2"]);
    expect(pooled.pgbouncer.poolMode).toBe("session");
    expect(toMermaid(pooled)).toContain("lb1 -->|sql 6432 (pgbouncer, session pooling)| postgresql1");
  });

  it("draws Mermaid and DOT graphs naming every node and the VIP", () => {
    const mermaid = toMermaid(topology);
    const dot = toDot(topology);
    for (const node of topology.nodes) {
      expect(mermaid).toContain(node.address);
      expect(dot).toContain(`"${node.name}"`);
    }
    expect(mermaid).toContain("postgresql1 -->|streaming replication| postgresql2");
    expect(dot.startsWith('digraph "odoo-ha"')).toBe(true);
  });
});

describe("overrides move a lab aside", () => {
  it("rebases every address into the new subnet and renames the lab", () => {
    const moved = loadTopologyFile(DEFAULT_FILE, { name: "second", subnet: "10.77.3.0/24" });
    expect(moved.name).toBe("second");
    expect(moved.vip.address).toBe("10.77.3.100");
    expect(moved.nodes.map((node) => node.address)).toContain("10.77.3.122");
    expect(moved.networks[0]!.gateway).toBe("10.77.3.1");
  });

  it("rejects a subnet too small for the addresses", () => {
    expect(() => loadTopologyFile(DEFAULT_FILE, { subnet: "10.0.0.0/28" })).toThrow(/nodes\.lb1\.address|vip\.address/);
  });

  it("rejects a bad lab name", () => {
    expect(() => loadTopologyFile(DEFAULT_FILE, { name: "Bad Name" })).toThrow(/--name/);
  });
});

describe("invalid topologies name the field and the fix", () => {
  it("a duplicate address", () => {
    const issues = issuesAfter((text) => text.replace("address: 192.168.55.112", "address: 192.168.55.111"));
    expect(issues).toEqual([expect.objectContaining({ path: "nodes.odoo2.address", message: expect.stringContaining("already used by odoo1") })]);
  });

  it("a VIP outside the subnet", () => {
    const issues = issuesAfter((text) => text.replace("address: 192.168.55.100", "address: 192.168.56.100"));
    expect(issues[0]).toMatchObject({ path: "vip.address", message: expect.stringContaining("outside the lab network") });
  });

  it("the gateway address taken by a node", () => {
    const issues = issuesAfter((text) => text.replace("192.168.55.101", "192.168.55.1"));
    expect(issues[0]).toMatchObject({ path: "nodes.lb1.address", message: expect.stringContaining("gateway") });
  });

  it("an unknown role lists the known ones", () => {
    const issues = issuesAfter((text) => text.replace("roles: [odoo, node-exporter]", "roles: [odooo, node-exporter]"));
    expect(issues[0]?.path).toBe("nodes.odoo1.roles.0");
    expect(issues[0]?.fix).toContain("haproxy, keepalived, etcd, postgresql, filestore-server, odoo");
  });

  it("a pooler without its own PostgreSQL, on one database node of two, or settings without a pooler", () => {
    const onApp = issuesAfter((text) => text.replace("roles: [odoo, node-exporter]", "roles: [odoo, node-exporter, pgbouncer]"));
    expect(onApp).toContainEqual({ path: "nodes.odoo1.roles", message: expect.stringContaining("pgbouncer pools the connections of its own node's PostgreSQL"), fix: expect.stringContaining("'postgresql' role") });
    const half = issuesAfter((text) => text.replace("address: 192.168.55.121\n    roles: [postgresql]", "address: 192.168.55.121\n    roles: [postgresql, pgbouncer]"));
    expect(half).toEqual([{ path: "nodes.*.roles", message: expect.stringContaining("postgresql2 run PostgreSQL without the 'pgbouncer' role"), fix: "add 'pgbouncer' to postgresql2, or remove it from every node" }]);
    const unused = issuesAfter((text) => `${text}\npgbouncer: { poolMode: transaction }\n`);
    expect(unused).toEqual([expect.objectContaining({ path: "pgbouncer", fix: expect.stringContaining("add 'pgbouncer' to the database nodes") })]);
    expect(issuesAfter((text) => `${text}\npgbouncer: { poolMode: statement }\n`)[0]?.path).toBe("pgbouncer.poolMode");
  });

  it("an etcd membership that one node loss would break", () => {
    const issues = issuesAfter((text) => text.replace("roles: [haproxy, keepalived, etcd, node-exporter]", "roles: [haproxy, keepalived, node-exporter]"));
    expect(issues).toEqual([expect.objectContaining({ message: expect.stringContaining("etcd runs on 2 node(s)"), fix: expect.stringContaining("at least three") })]);
  });

  it("a port clash between roles on one node", () => {
    const issues = issuesAfter((text) => text.replace("databaseReadWritePort: 5433", "databaseReadWritePort: 8404"));
    expect(issues.map((issue) => issue.path)).toEqual(["nodes.lb1.roles", "nodes.lb2.roles"]);
    expect(issues[0]?.message).toMatch(/port 8404 is wanted by both HAProxy stats page \(haproxy\) and the read-write database listener/);
  });

  it("Patroni timings that could drop the leader lock while retrying", () => {
    const issues = issuesAfter((text) => text.replace("retryTimeout: 3", "retryTimeout: 10"));
    expect(issues[0]).toMatchObject({ path: "postgres.patroni", fix: expect.stringContaining("loopWait + 2 × retryTimeout ≤ ttl") });
  });

  it("a replicated filestore without three servers", () => {
    const issues = issuesAfter((text) => text.replace("layout: single-brick", "layout: replicated"));
    expect(issues[0]).toMatchObject({ path: "storage.layout", message: expect.stringContaining("exactly 3") });
  });

  it("an unknown field and a missing one", () => {
    const issues = issuesAfter((text) => text.replace("  routerId: 55\n", "  routerld: 55\n").replace("name: odoo-ha\n", ""));
    expect(issues.map((issue) => issue.path).sort()).toEqual(["name", "vip"]);
    expect(issues.find((issue) => issue.path === "vip")?.message).toContain("routerld");
  });

  it("another database that is the lab's own, or listed twice", () => {
    const issues = issuesAfter((text) => text.replace("  database: lab\n", "  database: lab\n  otherDatabases: [tenant2, lab, tenant2, Bad]\n"));
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      "odoo.otherDatabases.3: must match [a-z][a-z0-9_]*, at most 63 characters (PostgreSQL's limit)",
    ]);
    const semantic = issuesAfter((text) => text.replace("  database: lab\n", "  database: lab\n  otherDatabases: [tenant2, lab, tenant2]\n"));
    expect(semantic.map((issue) => `${issue.path}: ${issue.message}`)).toEqual(["odoo.otherDatabases.1: 'lab' is odoo.database already", "odoo.otherDatabases.2: 'tenant2' is listed twice"]);
  });

  it("a log database that is one Odoo serves, or a level Odoo does not know", () => {
    const issues = issuesAfter((text) => text.replace("  database: lab\n", "  database: lab\n  logDatabase: lab\n  logDatabaseLevel: verbose\n"));
    expect(issues.map((issue) => issue.path)).toEqual(["odoo.logDatabaseLevel"]);
    const semantic = issuesAfter((text) => text.replace("  database: lab\n", "  database: lab\n  logDatabase: lab\n"));
    expect(semantic).toEqual([{ path: "odoo.logDatabase", message: "'lab' is one of the databases Odoo serves", fix: "name a database of its own, e.g. lab_logs" }]);
    expect(issuesAfter((text) => text.replace("  database: lab\n", "  database: lab\n  logDatabase: lab_logs\n"))).toEqual([]);
  });

  it("a node declared twice", () => {
    const issues = issuesAfter((text) => text.replace("  odoo2:\n", "  odoo1:\n"));
    expect(issues[0]).toMatchObject({ path: expect.stringMatching(/^\(line \d+\)$/), message: expect.stringMatching(/^.odoo1. is written twice in one mapping \(first on line \d+\)$/) });
  });

  it("reports every problem at once", () => {
    const issues = issuesAfter((text) =>
      text.replace("address: 192.168.55.112", "address: 192.168.55.111").replace("address: 192.168.55.100", "address: 10.0.0.1"),
    );
    expect(issues.map((issue) => issue.path)).toEqual(["nodes.odoo2.address", "vip.address"]);
  });

  it("an address with leading zeros, which some tools read as octal", () => {
    const [issue] = issuesAfter((text) => text.replace("address: 192.168.55.112", "address: 192.168.055.112"));
    expect(issue).toEqual({ path: "nodes.odoo2.address", message: "'192.168.055.112' is not an IPv4 address (a part has leading zeros, which some tools read as octal)", fix: "write 192.168.55.112" });
  });

  it("names that are no DNS label, stating the pattern", () => {
    expect(issuesAfter((text) => text.replace("name: odoo-ha", "name: odoo-ha-"))).toEqual([expect.objectContaining({ path: "name", message: expect.stringMatching(/must match \[a-z\]\[a-z0-9-\]\*: .*not ending with '-'/) })]);
    expect(issuesAfter((text) => text.replace("  odoo2:\n", "  odoo2-:\n")).map((issue) => issue.path)).toContain("nodes.odoo2-");
  });

  it("a subnet no host can use, whatever its prefix", () => {
    for (const subnet of ["127.0.55.0/24", "224.0.55.0/24", "0.0.0.0/16", "169.254.55.0/24"]) {
      const issues = issuesAfter((text) => text.replace("subnet: 192.168.55.0/24", `subnet: ${subnet}`));
      expect(issues[0], subnet).toEqual(expect.objectContaining({ path: "network.subnet", message: expect.stringMatching(/no lab host can use it/), fix: expect.stringMatching(/private network/) }));
    }
    expect(() => loadTopologyFile(DEFAULT_FILE, { subnet: "127.0.55.0/24" })).toThrow(/the loopback range/);
  });

  it("a front-end port that is sshd's", () => {
    const issues = issuesAfter((text) => text.replace("webPort: 80", "webPort: 22"));
    expect(issues).toContainEqual(expect.objectContaining({ path: "nodes.lb1.roles", message: "port 22 is wanted by both sshd (how the SSH target reaches the machine) and the web listener (haproxy)" }));
  });

  it("a VRRP advert interval past what VRRPv3 carries", () => {
    expect(issuesAfter((text) => text.replace(/advertIntervalSeconds: [\d.]+/, "advertIntervalSeconds: 100"))).toEqual([expect.objectContaining({ path: "vip.advertIntervalSeconds", message: expect.stringMatching(/40\.95 s/) })]);
  });

  it("too little memory for Odoo or PostgreSQL", () => {
    const issues = issuesAfter((text) => text.replace("  odoo1:\n    address: 192.168.55.111\n", "  odoo1:\n    address: 192.168.55.111\n    memoryMiB: 64\n"));
    expect(issues).toEqual([{ path: "nodes.odoo1.memoryMiB", message: "64 MiB is too little for a node with the 'odoo' role (it needs at least 512 MiB)", fix: "give it 512 or more, or leave memoryMiB out" }]);
  });

  it("names PostgreSQL would truncate, and image references that are not", () => {
    expect(issuesAfter((text) => text.replace("database: lab", `database: ${"d".repeat(70)}`))[0]).toEqual(expect.objectContaining({ path: "odoo.database", message: expect.stringMatching(/at most 63 characters/) }));
    expect(issuesAfter((text) => text.replace("image: odoo:17", 'image: "--help"'))[0]).toEqual(expect.objectContaining({ path: "odoo.image", message: expect.stringMatching(/image reference/) }));
    expect(issuesAfter((text) => text.replace("image: odoo:17", "image: registry.example.com/team/odoo:17.0"))).toEqual([]);
  });

  it("absurd numbers", () => {
    const issues = issuesAfter((text) => text.replace(/ttl: \d+/, "ttl: 1e20"));
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual(["postgres.patroni.ttl: Number must be less than or equal to 3600"]);
  });

  it("Odoo pools that together could take more connections than PostgreSQL allows", () => {
    // 2 app nodes × (4 HTTP workers + 1 cron worker + the real-time process) = 12 pools of 16; 3 + 2 × 2 + 24 reserved.
    const [issue, ...rest] = issuesAfter((text) => text.replace(/^odoo:\n/m, "odoo:\n  dbMaxConn: 16\n"));
    expect(rest).toEqual([]);
    expect(issue).toEqual({
      path: "odoo.dbMaxConn",
      message: "12 Odoo processes × dbMaxConn 16 = 192 connections, plus 31 reserved (PostgreSQL, Patroni, the lab's own), exceed postgres.maxConnections 200",
      fix: "lower odoo.dbMaxConn to 14 or less, or raise postgres.maxConnections to 223",
    });
    expect(issuesAfter((text) => text.replace(/^odoo:\n/m, "odoo:\n  dbMaxConn: 16\n").replace(/^postgres:\n/m, "postgres:\n  maxConnections: 223\n"))).toEqual([]);
  });

  it("more nodes than a lab has", () => {
    const extra = Array.from({ length: 251 }, (_, index) => `  x${index}:\n    address: 192.168.55.9\n    roles: [odoo]\n`).join("");
    const issues = issuesAfter((text) => text.replace(/^nodes:\n/m, `nodes:\n${extra}`));
    expect(issues).toEqual([expect.objectContaining({ path: "nodes", message: "a lab has at most 250 nodes" })]);
  });
});

describe("a topology file that is not one", () => {
  const dir = mkdtempSync(join(tmpdir(), "topology-file-"));
  const issuesOfPath = (path: string) => {
    try {
      loadTopologyFile(path);
      return [];
    } catch (error) {
      if (error instanceof TopologyError) return error.issues;
      throw error;
    }
  };
  const issuesOf = (content: string) => {
    const file = join(dir, "t.yaml");
    writeFileSync(file, content);
    return issuesOfPath(file);
  };

  it("is refused when empty, naming an example to start from", () => {
    expect(issuesOf("\n  \n")).toEqual([expect.objectContaining({ path: "(file)", message: "is empty", fix: expect.stringContaining("labs/odoo-ha/topology.yaml") })]);
  });

  it("is refused when it holds something other than a mapping", () => {
    expect(issuesOf("- a\n- b\n")).toEqual([expect.objectContaining({ path: "(top level)", message: "the file holds an array, not a mapping of fields" })]);
  });

  it("is refused by its type before it is opened: a named pipe (which would block), a directory", () => {
    const fifo = join(dir, "fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(issuesOfPath(fifo)).toEqual([expect.objectContaining({ path: "(file)", message: "is a named pipe, not a file" })]);
    expect(issuesOfPath(dir)).toEqual([expect.objectContaining({ path: "(file)", message: "is a directory, not a file" })]);
  });

  it("is refused when it is not UTF-8 text, saying so", () => {
    const file = join(dir, "u16.yaml");
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(defaultText, "utf16le")]));
    expect(issuesOfPath(file)).toEqual([expect.objectContaining({ message: "is not UTF-8 text (it is UTF-16)", fix: expect.stringContaining("iconv") })]);
    writeFileSync(file, Buffer.from([0x80, 0x00, 0xc3, 0x28, 0x01]));
    expect(issuesOfPath(file)).toEqual([expect.objectContaining({ message: "is not UTF-8 text (binary data?)" })]);
  });

  it("is refused unread above the size limit", () => {
    const issues = issuesOf(`${defaultText}\n${"# filler\n".repeat(MAX_INPUT_FILE_BYTES / 9 + 1)}`);
    expect(issues).toEqual([expect.objectContaining({ path: "(file)", message: expect.stringMatching(/^is \d+ KiB; an input file is at most 128 KiB$/) })]);
  });
});

describe("what Patroni would change in the topology's timing", () => {
  const timing = { ttl: 5, loopWait: 1, retryTimeout: 2, maximumLagOnFailoverBytes: 1048576 };
  it("is nothing before Patroni 3.2, which takes any value", () => {
    expect(patroniTimingProblems("3.0.2", timing)).toEqual([]);
    expect(patroniTimingProblems("2.1.2", timing)).toEqual([]);
    expect(patroniTimingProblems("3.1.9", timing)).toEqual([]);
  });

  it("names each value 3.2 and later raise to its minimum (ttl 20, loop_wait 1, retry_timeout 3), with the fix", () => {
    const problems = patroniTimingProblems("3.2.2", timing);
    expect(problems.map((problem) => `${problem.path}: ${problem.message}`)).toEqual([
      "postgres.patroni.ttl: Patroni 3.2.2 raises ttl 5 to its minimum 20 (with only a warning in its log)",
      "postgres.patroni.retryTimeout: Patroni 3.2.2 raises retryTimeout 2 to its minimum 3 (with only a warning in its log)",
    ]);
    expect(problems[0]!.fix).toMatch(/ttl ≥ 20, loopWait ≥ 1 and retryTimeout ≥ 3, with loopWait \+ 2 × retryTimeout ≤ ttl/);
    expect(patroniTimingProblems("4.0.7", timing)).toHaveLength(2);
    expect(patroniTimingProblems("4.0.7", { ...timing, ttl: 20, loopWait: 2, retryTimeout: 3 })).toEqual([]);
    expect(patroniTimingProblems("10.0", { ...timing, ttl: 19, loopWait: 1, retryTimeout: 3 }).map((problem) => problem.path)).toEqual(["postgres.patroni.ttl"]);
  });

  it("knows the Patroni each supported system installs", () => {
    expect(PATRONI_OF_OS).toMatchObject({ "debian 12": "3.0.2", "debian 13": "4.0.7", "ubuntu 24.04": "3.2.2" });
  });
});

describe("the release a lab's nodes run", () => {
  it("is Debian 13 with its PostgreSQL 17 in the default lab and in a file that names none, whose Patroni timing is the fastest Patroni 4 takes", () => {
    const topology = loadTopologyFile(DEFAULT_FILE);
    expect(topology.release).toBe("debian-13");
    expect(topology.postgres.version).toBe(17);
    const unnamed = parseTopology(defaultText.replace("release: debian-13\n", "").replace(/\n  patroni:\n(    .*\n)+/, "\n"), "test.yaml");
    expect(unnamed.release).toBe("debian-13");
    expect(unnamed.postgres.version).toBe(17);
    expect(unnamed.postgres.patroni).toMatchObject({ ttl: 20, loopWait: 1, retryTimeout: 3 });
    const bookworm = parseTopology(defaultText.replace("release: debian-13", "release: debian-12"), "test.yaml");
    expect(bookworm.postgres.version).toBe(15);
  });

  it("brings its own PostgreSQL: naming another than the release's is refused with the release that has it", () => {
    const issues = issuesAfter((text) => text.replace("synchronous: true", "version: 15\n  synchronous: true"));
    expect(issues).toEqual([{ path: "postgres.version", message: "release debian-13 ships PostgreSQL 17, not 15", fix: expect.stringContaining("choose the release that ships PostgreSQL 15 (debian-12)") }]);
  });

  it("refuses timing its Patroni would rewrite: debian-13's Patroni 4.0.7 raises ttl 5 and retryTimeout 2, and debian-12's takes them", () => {
    const fast = (text: string) => text.replace("ttl: 20", "ttl: 5").replace("retryTimeout: 3", "retryTimeout: 2");
    const issues = issuesAfter(fast);
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      "postgres.patroni.ttl: debian-13's Patroni 4.0.7 raises ttl 5 to its minimum 20 (with only a warning in its log)",
      "postgres.patroni.retryTimeout: debian-13's Patroni 4.0.7 raises retryTimeout 2 to its minimum 3 (with only a warning in its log)",
    ]);
    expect(issuesAfter((text) => fast(text).replace("release: debian-13", "release: debian-12"))).toEqual([]);
  });

  it("can be overridden: the same lab on another release, validated again", () => {
    const bookworm = loadTopologyFile(DEFAULT_FILE, { release: "debian-12" });
    expect(bookworm.release).toBe("debian-12");
    expect(bookworm.postgres.version).toBe(15);
    expect(bookworm.nodes).toEqual(loadTopologyFile(DEFAULT_FILE).nodes);
    // Validated again under the new release: Debian 12's ttl 5 is refused once the lab asks for Debian 13.
    const fast = defaultText.replace("release: debian-13", "release: debian-12").replace("ttl: 20", "ttl: 5").replace("retryTimeout: 3", "retryTimeout: 2");
    expect(parseTopology(fast, "fast.yaml").release).toBe("debian-12");
    expect(() => parseTopology(fast, "fast.yaml", { release: "debian-13" })).toThrow(/debian-13's Patroni 4\.0\.7 raises ttl 5/);
  });

  it("is one of the releases the lab builds, named in the error", () => {
    expect(issuesAfter((text) => text.replace("release: debian-13", "release: debian-11"))).toEqual([{ path: "release", message: "'debian-11' is not known", fix: "use one of: debian-12, debian-13" }]);
  });
});

describe("quorum commit (Patroni 4's synchronous_mode: quorum)", () => {
  const QUORUM_FILE = fileURLToPath(new URL("../../../labs/odoo-ha-quorum/topology.yaml", import.meta.url));
  const quorumText = readFileSync(QUORUM_FILE, "utf8");

  it("runs on Debian 13 with three database nodes", () => {
    const topology = loadTopologyFile(QUORUM_FILE);
    expect(topology.postgres.synchronous).toBe("quorum");
    expect(nodesWithRole(topology, "postgresql").map((node) => node.name)).toEqual(["postgresql1", "postgresql2", "postgresql3"]);
  });

  it("is refused on a release whose Patroni has none, and with one replica", () => {
    const issues = (text: string) => {
      try {
        parseTopology(text, "quorum.yaml");
        return [];
      } catch (error) {
        return (error as TopologyError).issues.filter((issue) => issue.path === "postgres.synchronous").map((issue) => issue.message);
      }
    };
    expect(issues(quorumText.replace("release: debian-13", "release: debian-12"))).toEqual(["quorum commit needs Patroni 4.0.0; release debian-12 ships 3.0.2"]);
    expect(issues(quorumText.replace(/  postgresql3:\n.*\n.*\n/, ""))).toEqual(["quorum commit among 1 replica(s) is one synchronous standby by another name"]);
  });
});

describe("a lab of several networks (zones)", () => {
  const ZONES_FILE = fileURLToPath(new URL("../../../labs/odoo-ha-zones/topology.yaml", import.meta.url));
  const zonesText = readFileSync(ZONES_FILE, "utf8");
  const zones = loadTopologyFile(ZONES_FILE);
  const issuesOf = (edit: (text: string) => string) => {
    try {
      parseTopology(edit(zonesText), "zones.yaml");
      return [];
    } catch (error) {
      if (error instanceof TopologyError) return error.issues;
      throw error;
    }
  };

  it("puts each node on the networks it lists, with its address on each, and the VIP on its own", () => {
    expect(zones.networks.map((network) => `${network.name} ${network.subnet} gw ${network.gateway}`)).toEqual(["front 192.168.64.0/24 gw 192.168.64.1", "data 192.168.65.0/24 gw 192.168.65.1"]);
    expect(findNode(zones, "lb1").interfaces).toEqual([{ network: "front", address: "192.168.64.101" }, { network: "data", address: "192.168.65.101" }]);
    expect(findNode(zones, "postgresql1").address).toBe("192.168.65.121");
    expect(zones.vip).toMatchObject({ address: "192.168.64.100", network: "front", holders: ["lb1", "lb2"] });
  });

  it("reaches a node on the network both share, and a group on the one they all share", () => {
    expect(addressFor(findNode(zones, "lb1"), findNode(zones, "postgresql1"))).toBe("192.168.65.101");
    expect(addressFor(findNode(zones, "lb1"), findNode(zones, "odoo1"))).toBe("192.168.64.101");
    expect(() => addressFor(findNode(zones, "postgresql1"), findNode(zones, "odoo1"))).toThrow(/odoo1 shares no network with postgresql1/);
    // etcd's members with the Patroni nodes, its clients; the filestore's servers with their Odoo clients.
    expect(groupNetwork(zones, ROLE_GROUPS.etcd)).toBe("data");
    expect(groupNetwork(zones, ROLE_GROUPS.filestore)).toBe("front");
    expect(nodesWithRole(zones, "etcd").map((member) => addressOn(member, sharedNetwork(nodesWithRole(zones, "etcd"))))).toEqual(["192.168.64.101", "192.168.64.102", "192.168.64.112"]);
  });

  it("refuses overlapping subnets, an address outside its network, and a network nobody declared", () => {
    expect(issuesOf((text) => text.replace("subnet: 192.168.65.0/24", "subnet: 192.168.64.128/25"))).toEqual([
      { path: "networks.data.subnet", message: "192.168.64.128/25 overlaps network 'front' (192.168.64.0/24)", fix: "give each network a subnet of its own" },
    ]);
    expect(issuesOf((text) => text.replace("data: 192.168.65.121", "data: 192.168.64.121"))).toEqual([
      { path: "nodes.postgresql1.networks.data", message: "192.168.64.121 is outside network 'data' (192.168.65.0/24)", fix: "pick an address inside 192.168.65.0/24" },
    ]);
    expect(issuesOf((text) => text.replace("networks: { data: 192.168.65.122 }", "networks: { db: 192.168.65.122 }"))).toContainEqual({ path: "nodes.postgresql2.networks.db", message: "no network 'db' is declared", fix: "use one of: front, data, or declare it under networks" });
  });

  it("refuses a node on a network none of its roles talks over, and two nodes that talk with no network in common", () => {
    expect(issuesOf((text) => text.replace("networks: { front: 192.168.64.111 }", "networks: { front: 192.168.64.111, data: 192.168.65.111 }"))).toEqual([
      { path: "nodes.odoo1.networks.data", message: "none of odoo1's roles (odoo) talks over network 'data'", fix: "remove 'data' from odoo1's networks" },
    ]);
    const cut = issuesOf((text) => text.replace("networks: { front: 192.168.64.101, data: 192.168.65.101 }", "networks: { front: 192.168.64.101 }"));
    expect(cut).toContainEqual({
      path: "nodes.lb1.networks",
      message: "lb1 (haproxy) sends SQL to it and asks Patroni's REST API which is primary on postgresql1, and they share no network (lb1: front; postgresql1: data)",
      fix: "add one of postgresql1's networks to lb1, or one of lb1's to postgresql1",
    });
    expect(issuesOf((text) => text.replace("networks: { front: 192.168.64.112, data: 192.168.65.112 }", "networks: { front: 192.168.64.112 }"))).toContainEqual({
      path: "nodes.*.networks",
      message: "etcd's members and the Patroni nodes that keep their leader lock in it reach each other at their advertised addresses, and they share no network (lb1: front, data; lb2: front, data; odoo2: front; postgresql1: data; postgresql2: data)",
      fix: "give lb1, lb2, odoo2, postgresql1, postgresql2 one network they all join",
    });
    expect(issuesOf((text) => text.replace("networks: { front: 192.168.64.102, data: 192.168.65.102 }", "networks: { data: 192.168.65.102 }"))).toContainEqual(
      expect.objectContaining({ path: "nodes.lb2.networks", message: expect.stringContaining("lb2 (keepalived) holds the VIP and sends VRRP adverts to the other holders, and does not join the VIP's network 'front'") }),
    );
  });

  it("puts a monitor node where it reaches what it scrapes: the balancers, Patroni and etcd, and the VIP", () => {
    const withMonitor = (networks: string) => (text: string) => text.replace("services:", `  monitor1:\n    networks: ${networks}\n    roles: [monitor]\nservices:`);
    expect(issuesOf(withMonitor("{ front: 192.168.64.131, data: 192.168.65.131 }"))).toEqual([]);
    const dataOnly = issuesOf(withMonitor("{ data: 192.168.65.131 }"));
    expect(dataOnly).toContainEqual(expect.objectContaining({ path: "nodes.monitor1.networks", message: "monitor1 (monitor) asks the balancers through the VIP whether it answers, and does not join the VIP's network 'front'" }));
    expect(dataOnly).not.toContainEqual(expect.objectContaining({ message: expect.stringContaining("on postgresql1") }));
    const frontOnly = issuesOf(withMonitor("{ front: 192.168.64.131 }"));
    expect(frontOnly).toContainEqual({
      path: "nodes.monitor1.networks",
      message: "monitor1 (monitor) scrapes Patroni's metrics on postgresql1, and they share no network (monitor1: front; postgresql1: data)",
      fix: "add one of postgresql1's networks to monitor1, or one of monitor1's to postgresql1",
    });
  });

  it("refuses a file that mixes one network and several, and moves every network together with --subnet", () => {
    expect(issuesOf((text) => text.replace("networks:\n  front:", "network: { subnet: 192.168.66.0/24 }\nnetworks:\n  front:"))[0]).toMatchObject({ path: "networks", fix: expect.stringContaining("keep `network:` for a one-network lab") });
    expect(issuesOf((text) => text.replace("networks: { data: 192.168.65.121 }", "address: 192.168.65.121"))).toContainEqual(expect.objectContaining({ path: "nodes.postgresql1.address", fix: "write `networks: { front: 192.168.65.121 }` instead" }));
    // A lab of zones moves all its networks by one offset: side by side with the file's own.
    const moved = loadTopologyFile(ZONES_FILE, { subnet: "192.168.91.0/24", name: "zones2" });
    expect(moved.networks.map((network) => network.subnet)).toEqual(["192.168.91.0/24", "192.168.92.0/24"]);
    expect(findNode(moved, "lb1").interfaces).toEqual([{ network: "front", address: "192.168.91.101" }, { network: "data", address: "192.168.92.101" }]);
    expect(moved.vip.address).toBe("192.168.91.100");
    expect(() => loadTopologyFile(ZONES_FILE, { subnet: "192.168.96.0/23" })).toThrow(/moves the lab's 2 networks together, the first \(front, 192\.168\.64\.0\/24\) to 192\.168\.96\.0\/23: it must keep its \/24/);
    expect(loadTopologyFile(DEFAULT_FILE, { subnet: "192.168.66.0/24" }).networks).toEqual([{ name: "lab", subnet: "192.168.66.0/24", prefix: 24, gateway: "192.168.66.1" }]);
  });
});
