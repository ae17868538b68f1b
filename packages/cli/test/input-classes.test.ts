import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkScenario, loadScenario } from "@odoo-ha-lab/runner";
import { inventoryFileProblems, loadInventoryFile } from "@odoo-ha-lab/ssh";
import { loadTopologyFile } from "@odoo-ha-lab/topology";
import { parseLines } from "../src/commands/logs.ts";
import { parseRepeat } from "../src/commands/run.ts";
import { resolveTopology } from "../src/options.ts";
import { scenarioTopology } from "../src/scenario-lab.ts";
import { REPO_ROOT } from "../src/state.ts";

/**
 * One malformed input of each class docs/inputs.md lists, fed to the code that reads it as the
 * commands do, before any lab is touched: each must be refused with the field and the fix. The table
 * in the docs and this one are kept equal by the last test.
 */
const directory = mkdtempSync(join(tmpdir(), "input-classes-"));
const topologyText = readFileSync(join(REPO_ROOT, "labs/odoo-ha/topology.yaml"), "utf8");
const scenarioText = readFileSync(join(REPO_ROOT, "scenarios/kill-master.yaml"), "utf8");
const defaultTopology = loadTopologyFile(join(REPO_ROOT, "labs/odoo-ha/topology.yaml"));
const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
});

let files = 0;
function file(content: string | Buffer, name = `input-${++files}.yaml`): string {
  const path = join(directory, `${++files}`, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const topology = (change: (text: string) => string) => () => loadTopologyFile(file(change(topologyText)));
const scenario = (change: (text: string) => string) => () => {
  const path = file(change(scenarioText), "kill-master.yaml");
  const parsed = loadScenario(path);
  checkScenario(parsed, scenarioTopology(parsed, {}, path), path);
};
const inventory = (nodes: Record<string, string>) => () => {
  const text = `nodes:\n${defaultTopology.nodes.map((node) => `  ${node.name}: { ${nodes[node.name] ?? `host: 10.0.0.${node.address.split(".")[3]}`} }`).join("\n")}\n`;
  const loaded = loadInventoryFile(file(text), defaultTopology);
  const problems = inventoryFileProblems(loaded);
  if (problems.length) throw new Error(problems.map((problem) => `${problem.path}: ${problem.message} (${problem.fix})`).join("\n"));
};
const replace = (from: RegExp | string, to: string) => (text: string) => {
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`the example file has no ${String(from)}: this test needs a new anchor`);
  return changed;
};
const aliasBomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ..."bcdefghij".split("").map((name, index) => `${name}: &${name} [${Array(9).fill(`*${"abcdefghij"[index]}`).join(", ")}]`)].join("\n");

const CLASSES: [string, () => unknown, RegExp][] = [
  ["file-directory", () => loadTopologyFile(directory), /\(file\): is a directory, not a file/],
  ["file-named-pipe", () => {
    const pipe = join(directory, "pipe.yaml");
    execFileSync("mkfifo", [pipe]);
    return loadTopologyFile(pipe);
  }, /\(file\): is a named pipe, not a file/],
  ["file-empty", () => loadTopologyFile(file("  \n")), /\(file\): is empty/],
  ["file-too-big", () => loadTopologyFile(file(`${topologyText}\n${"#".repeat(140 * 1024)}\n`)), /\(file\): is 1\d\d KiB; an input file is at most 128 KiB/],
  ["file-utf16", () => loadTopologyFile(file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(topologyText, "utf16le")]))), /\(file\): is not UTF-8 text \(it is UTF-16\)\s+fix: save it as UTF-8/],
  ["file-binary", () => loadTopologyFile(file(Buffer.from([0x00, 0x9f, 0x92, 0x11, 0xc3, 0x28]))), /\(file\): is not UTF-8 text \(binary data\?\)/],
  ["yaml-syntax", topology(replace("name: odoo-ha", "name: [odoo-ha")), /\(line \d+\): .*\s+fix: fix the YAML syntax/],
  ["yaml-duplicate-key", topology(replace("name: odoo-ha", "name: odoo-ha\nname: odoo-hb")), /\(line 7\): 'name' is written twice in one mapping \(first on line 6\)/],
  ["yaml-merge-key", topology(replace("name: odoo-ha", "name: odoo-ha\n<<: { description: x }")), /\(line \d+\): a YAML merge key \(<<\) is not supported\s+fix: write the fields out in full/],
  ["yaml-alias-bomb", topology((text) => `${aliasBomb}\n${text}`), /\(file\): its aliases \(\*name\) expand to more than 1000 values/],
  ["yaml-deep-nesting", topology((text) => `x: ${"[".repeat(40_000)}${"]".repeat(40_000)}\n${text}`), /^[^\n]+\n  - \(file\): is nested too deeply to read[^\n]*\n[^\n]+$/],
  ["unknown-fields", topology((text) => `${text}\n${Array.from({ length: 500 }, (_, index) => `k${index}: 1`).join("\n")}\n`), /unknown field\(s\): k0, k1, .*, k9 and 490 more\s+fix: remove them or check their spelling/],
  ["name-pattern", topology(replace(/^name: .*$/m, "name: odoo-ha-")), /name: must match \[a-z\]\[a-z0-9-\]\*: 1-20 characters .* not ending with '-'/],
  ["subnet-unusable", topology(replace("subnet: 192.168.55.0/24", "subnet: 127.0.55.0/24")), /network\.subnet: .*loopback/],
  ["port-reserved", topology(replace("webPort: 80 ", "webPort: 22 ")), /nodes\.lb1\.roles: port 22 is wanted by both sshd .* and the web listener/],
  ["vrrp-interval", topology(replace("advertIntervalSeconds: 0.2", "advertIntervalSeconds: 100")), /vip\.advertIntervalSeconds: .*40\.95/],
  ["memory-too-small", topology(replace("    roles: [odoo, node-exporter]\n", "    roles: [odoo, node-exporter]\n    memoryMiB: 64\n")), /nodes\.odoo1\.memoryMiB: .*512/],
  ["database-name-length", topology(replace("database: lab", `database: ${"d".repeat(70)}`)), /odoo\.database: .*63/],
  ["image-reference", topology(replace("image: odoo:17", 'image: "--help"')), /odoo\.image: /],
  ["log-database-served", topology(replace("  database: lab\n", "  database: lab\n  logDatabase: lab\n")), /odoo\.logDatabase: 'lab' is one of the databases Odoo serves.*lab_logs/s],
  ["release-patroni-timing", topology(replace("ttl: 20", "ttl: 5")), /postgres\.patroni\.ttl: debian-13's Patroni 4\.0\.7 raises ttl 5 to its minimum 20 \(with only a warning in its log\)\s+fix: set ttl ≥ 20/],
  ["release-postgres-version", topology(replace("  synchronous: true", "  version: 15\n  synchronous: true")), /postgres\.version: release debian-13 ships PostgreSQL 17, not 15\s+fix: .*\(debian-12\)/],
  ["odoo-source-missing", topology(replace("  database: lab", "  source: /nonexistent/odoo-17.0-src.tar.xz\n  database: lab")), /odoo\.source: \/nonexistent\/odoo-17\.0-src\.tar\.xz does not exist/],
  ["option-repeat", () => parseRepeat("0"), /--repeat .*: give a whole number of runs from 1 to 20/],
  ["option-lines", () => parseLines("0"), /-n 0: give a whole number of lines, 1 or more/],
  ["option-empty", () => resolveTopology({ name: "" }), /--name is empty: give a lab name/],
  ["environment-named", () => {
    process.env.LAB_SUBNET = "garbage";
    return resolveTopology({});
  }, /the environment variable LAB_SUBNET: 'garbage' is not an IPv4 network in CIDR form/],
  ["option-release", () => resolveTopology({ release: "debian-11" }), /--release: 'debian-11' is not a release the lab builds\s+fix: use one of: debian-12, debian-13/],
  ["option-target", () => resolveTopology({ target: "bogus" }), /unknown target 'bogus': use one of docker, ssh, vagrant/],
  ["budget-unbounded", scenario(replace("{ checker: lost-writes, metric: lost, max: 0 }", "{ checker: lost-writes, metric: lost, max: .inf }")), /budgets\.\d+\.max: /],
  ["budget-negative", scenario(replace("{ checker: lost-writes, metric: lost, max: 0 }", "{ checker: lost-writes, metric: lost, max: -1 }")), /budgets\.\d+\.max: /],
  ["scenario-too-long", scenario(replace("  - wait: 5\n  - inject", `${"  - wait: 600\n".repeat(5)}  - inject`)), /method: the method may take \d+ s .* past the 600 s a run loads the lab/],
  ["partition-reference-overlap", scenario(replace("inject: { kind: kill-node, node: $primary }", "inject: { kind: partition, groups: [[$vip-holder], [lb1, odoo1]] }")), /groups: \$vip-holder may be lb1 when the step runs/],
  ["scenario-name-pattern", scenario(replace(/^name: kill-master$/m, "name: Kill_Master")), /name: must match \[a-z\]\[a-z0-9-\]\*, at most 63 characters/],
  ["fault-name-pattern", scenario(replace("as: primary-killed", 'as: "the primary, killed"')), /method\.1\.as: must match \[a-z\]\[a-z0-9-\]\*, at most 63 characters, e\.g\. primary-killed/],
  ["scenario-topology-outside", scenario(replace(/^name: kill-master$/m, "name: kill-master\ntopology: ../../etc/passwd")), /topology: must be a YAML file's path relative to the repository root, inside it/],
  ["alerts-without-monitor", scenario(replace(/^name: kill-master$/m, "name: kill-master\ntopology: labs/odoo-ha-async/topology.yaml")), /recovery\.4: no-alerts asks the lab's monitor nodes, and lab odoo-ha-async has none \(add a node with the 'monitor' role to lab odoo-ha-async, or remove it\)/],
  ["scenario-topology-missing", scenario(replace(/^name: kill-master$/m, "name: kill-master\ntopology: labs/nope/topology.yaml")), /kill-master\.yaml is not a valid scenario:\s+- topology: labs\/nope\/topology\.yaml is not in the repository/],
  ["inventory-address", inventory({ lb1: "host: 999.999.999.999" }), /nodes\.lb1\.host: /],
  ["inventory-user-in-host", inventory({ lb1: "host: root@10.0.0.1" }), /nodes\.lb1\.host: 'root@10\.0\.0\.1' holds a user/],
  ["inventory-shared-machine", inventory({ lb1: "host: 10.0.0.1", lb2: "host: 10.0.0.1" }), /nodes\.lb2\.host: lb1 and lb2 are one machine \(10\.0\.0\.1:22\): one failure would take them down together/],
  ["inventory-key-file", inventory({ lb1: "host: 10.0.0.1, identityFile: /nonexistent/key" }), /nodes\.lb1\.identityFile: \/nonexistent\/key is not a readable file/],
];

describe("every class of malformed input is refused before anything runs, with the field and the fix", () => {
  it.each(CLASSES)("%s", (_, feed, refusal) => {
    let message: string | undefined;
    try {
      feed();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message, "the input was accepted").toBeDefined();
    expect(message).toMatch(refusal);
  });

  it("is the table of docs/inputs.md, class for class", () => {
    const documented = [...readFileSync(join(REPO_ROOT, "docs/inputs.md"), "utf8").matchAll(/^\| `([a-z0-9-]+)` \|.*\| input-classes \|$/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual(CLASSES.map(([id]) => id).sort());
  });
});
