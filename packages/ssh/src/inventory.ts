import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { parseDocument } from "yaml";
import { z, type ZodIssue } from "zod";
import { describeSchemaIssue, readInputFile, yamlSyntaxIssues, type Topology, type TopologyIssue } from "@odoo-ha-lab/topology";

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
  const document = parseDocument(file.text, { uniqueKeys: true });
  if (document.errors.length > 0) throw new InventoryError(path, yamlSyntaxIssues(document));
  return parseInventory(document.toJS(), topology, path, dirname(resolve(path)));
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
  return { source: sourceName, nodes };
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
