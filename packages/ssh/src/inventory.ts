import { accessSync, constants, existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { z, type ZodIssue } from "zod";
import { describeSchemaIssue, parseIpv4, readInputFile, readYaml, type Topology, type TopologyIssue } from "@odoo-ha-lab/topology";

/**
 * The inventory of an SSH lab: how to reach the machine that plays each topology node. The topology
 * says what a node runs and at which lab address; the inventory says where its SSH endpoint is (which
 * may differ, e.g. Vagrant's 127.0.0.1:2222) and who logs in. The Vagrant target generates this format.
 */

/** One node's SSH endpoint, with the defaults applied and every path absolute. */
export interface InventoryNode {
  node: string;
  host: string;
  port: number;
  user: string;
  /** Absolute path of the private key; absent: ssh's own defaults (agent, ~/.ssh/id_*). */
  identityFile: string | undefined;
  /** Run commands through `sudo -n` (the user is not root). */
  sudo: boolean;
  /** Absolute path of a known_hosts file the user provides; absent: keys are pinned on first contact into the lab's own file. */
  knownHosts: string | undefined;
  /** Run locally (sh -c) to cut the node's power, for the kill-node fault. */
  powerOff: string | undefined;
  /** Run locally (sh -c) to power the node back on. */
  powerOn: string | undefined;
}

export interface Inventory {
  /** Where it came from, for messages. */
  source: string;
  /** In topology order. */
  nodes: InventoryNode[];
}

export class InventoryError extends Error {
  constructor(
    readonly source: string,
    readonly issues: TopologyIssue[],
  ) {
    super(`${source} is not a valid inventory:\n` + issues.map((issue) => `  - ${issue.path}: ${issue.message}\n    fix: ${issue.fix}`).join("\n"));
    this.name = "InventoryError";
  }
}

// A value that reaches ssh's command line must never look like an option.
const sshWord = (what: string) =>
  z
    .string()
    .min(1, `${what} is empty`)
    .regex(/^[^\s-][^\s]*$/, `${what} must be one word and must not start with '-'`);

/** A host as ssh reaches it: an IPv4 address, an IPv6 address, or a DNS name (RFC 1123). */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function hostProblem(host: string): { message: string; fix: string } | undefined {
  if (host.includes("@")) return { message: `'${host}' holds a user: ssh would read it as user@host, beside the inventory's own user`, fix: `write the user in 'user' and only '${host.slice(host.indexOf("@") + 1)}' in host` };
  if (/^[\d.]+$/.test(host)) return parseIpv4(host) === undefined ? { message: `'${host}' is not an IPv4 address`, fix: "write a dotted quad like 10.0.0.11 (each part 0-255, no leading zeros)" } : undefined;
  if (host.includes(":")) return /^[0-9a-f:]+$/i.test(host) ? undefined : { message: `'${host}' is not an IPv6 address`, fix: "write an IPv6 address like fd00::11, or a host name" };
  return HOST_NAME.test(host) ? undefined : { message: `'${host}' is not a host name`, fix: "write an address (10.0.0.11) or a DNS name (db1.example.com)" };
}

/** A path ssh is given on its command line: one word, and only `~` and `~/` expand (ssh does not). */
function pathProblem(value: string): { message: string; fix: string } | undefined {
  if (/\s/.test(value)) return { message: `'${value}' has white space: ssh splits its options' values there`, fix: "move the file to a path without spaces" };
  if (value.startsWith("~") && value !== "~" && !value.startsWith("~/")) return { message: `'${value}': only ~ and ~/ are expanded here (another user's ~name/ is not)`, fix: "write the absolute path" };
  return undefined;
}

const port = z.number().int().min(1).max(65535);
const user = z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}\$?$/i, "is not a valid user name");
const path = z.string().min(1, "is empty");
const command = z.string().min(1, "is empty");

const endpointFields = {
  user: user.optional(),
  port: port.optional(),
  identityFile: path.optional(),
  sudo: z.boolean().optional(),
  knownHosts: path.optional(),
};

const inventoryFileSchema = z
  .object({
    defaults: z.object(endpointFields).strict().optional(),
    nodes: z.record(
      z.string(),
      z
        .object({
          host: sshWord("host"),
          ...endpointFields,
          powerOff: command.optional(),
          powerOn: command.optional(),
        })
        .strict(),
    ),
  })
  .strict();

export function loadInventoryFile(path: string, topology: Topology): Inventory {
  const file = readInputFile(path, "pass --inventory with the path of an inventory YAML file (see docs/ssh-target.md)");
  if ("issue" in file) throw new InventoryError(path, [file.issue]);
  const yaml = readYaml(file.text);
  if ("issues" in yaml) throw new InventoryError(path, yaml.issues);
  return parseInventory(yaml.value, topology, path, dirname(resolve(path)));
}

/**
 * Validates an inventory object against the topology: every node has an entry, no entry names a
 * node the topology lacks. Relative paths are taken relative to `baseDir` (the inventory file's folder).
 */
export function parseInventory(object: unknown, topology: Topology, sourceName: string, baseDir = dirname(resolve(sourceName))): Inventory {
  const parsed = inventoryFileSchema.safeParse(object);
  if (!parsed.success) throw new InventoryError(sourceName, parsed.error.issues.map(describeInventoryIssue));
  const file = parsed.data;
  const issues: TopologyIssue[] = [];
  const known = topology.nodes.map((node) => node.name);
  for (const name of Object.keys(file.nodes)) {
    if (!known.includes(name)) {
      issues.push({ path: `nodes.${name}`, message: `lab '${topology.name}' has no node '${name}'`, fix: `remove it, or use one of: ${known.join(", ")}` });
    }
  }
  for (const name of known) {
    if (!file.nodes[name]) {
      issues.push({ path: `nodes.${name}`, message: "is missing: every topology node needs an SSH endpoint", fix: `add 'nodes.${name}.host: <address or name>'` });
    }
  }
  for (const [name, entry] of Object.entries(file.nodes)) {
    const problem = hostProblem(entry.host);
    if (problem) issues.push({ path: `nodes.${name}.host`, ...problem });
  }
  for (const [where, fields] of [["defaults", file.defaults ?? {}], ...Object.entries(file.nodes).map(([name, entry]) => [`nodes.${name}`, entry] as const)] as const) {
    for (const field of ["identityFile", "knownHosts"] as const) {
      const value = fields[field];
      const problem = value === undefined ? undefined : pathProblem(value);
      if (problem) issues.push({ path: `${where}.${field}`, ...problem });
    }
  }
  if (issues.length > 0) throw new InventoryError(sourceName, issues);

  const defaults = file.defaults ?? {};
  const nodes = topology.nodes.map((topologyNode): InventoryNode => {
    const entry = file.nodes[topologyNode.name]!;
    const identityFile = entry.identityFile ?? defaults.identityFile;
    const knownHosts = entry.knownHosts ?? defaults.knownHosts;
    return {
      node: topologyNode.name,
      host: entry.host,
      port: entry.port ?? defaults.port ?? 22,
      user: entry.user ?? defaults.user ?? "root",
      identityFile: identityFile === undefined ? undefined : expandPath(identityFile, baseDir),
      sudo: entry.sudo ?? defaults.sudo ?? false,
      knownHosts: knownHosts === undefined ? undefined : expandPath(knownHosts, baseDir),
      powerOff: entry.powerOff,
      powerOn: entry.powerOn,
    };
  });
  const sameMachine = machineSharers(nodes);
  if (sameMachine.length > 0) throw new InventoryError(sourceName, sameMachine);
  return { source: sourceName, nodes };
}

/**
 * Each topology node is a machine of its own: two on one endpoint would put both halves of an HA
 * pair (lb1 and lb2, the two databases) on one machine, which one failure takes down together.
 */
function machineSharers(nodes: InventoryNode[]): TopologyIssue[] {
  const byEndpoint = new Map<string, string[]>();
  for (const node of nodes) byEndpoint.set(`${node.host}:${node.port}`, [...(byEndpoint.get(`${node.host}:${node.port}`) ?? []), node.node]);
  return [...byEndpoint.entries()]
    .filter(([, names]) => names.length > 1)
    .map(([endpoint, names]) => ({ path: `nodes.${names[1]}.host`, message: `${names.join(" and ")} are one machine (${endpoint}): one failure would take them down together`, fix: "give each node a machine of its own (another host, or another port on a VM host)" }));
}

/**
 * What can be checked of an inventory without contacting a host: the key and known-hosts files it
 * names are there and readable. (The login, sudo, the OS and the lab address are the preflight's.)
 */
export function inventoryFileProblems(inventory: Inventory): TopologyIssue[] {
  return inventory.nodes.flatMap((node) => [
    ...(node.identityFile && !readable(node.identityFile) ? [{ path: `nodes.${node.node}.identityFile`, message: `${node.identityFile} is not a readable file`, fix: "give the path of the private key ssh logs in with (ssh -i), or leave it out for ssh's own keys" }] : []),
    ...(node.knownHosts && existsSync(node.knownHosts) && !readable(node.knownHosts) ? [{ path: `nodes.${node.node}.knownHosts`, message: `${node.knownHosts} is not a readable file`, fix: "give a known_hosts file (ssh-keyscan can make one), or leave it out to pin keys on first contact" }] : []),
  ]);
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function inventoryNode(inventory: Inventory, node: string): InventoryNode {
  const found = inventory.nodes.find((entry) => entry.node === node);
  if (!found) throw new Error(`the inventory ${inventory.source} has no entry for node '${node}'`);
  return found;
}

/** `~` and `~/x` are the user's home; relative paths are relative to the inventory file. */
export function expandPath(path: string, baseDir: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/")) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

const INVENTORY_FIXES = {
  unknownFields: "allowed: defaults.{user,port,identityFile,sudo,knownHosts}, nodes.<node>.{host,user,port,identityFile,sudo,knownHosts,powerOff,powerOn}",
  otherwise: "see docs/ssh-target.md for the inventory format",
};

function describeInventoryIssue(issue: ZodIssue): TopologyIssue {
  const path = issue.path.join(".") || "(top level)";
  if (issue.code === "too_small" || issue.code === "too_big") {
    return { path, message: issue.message, fix: path.endsWith("port") ? "use a TCP port between 1 and 65535" : "give it a value" };
  }
  return describeSchemaIssue(issue, INVENTORY_FIXES);
}
