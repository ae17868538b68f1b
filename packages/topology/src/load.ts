import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ZodIssue } from "zod";
import { TopologyError, type TopologyIssue } from "./errors.ts";
import { readInputFile } from "./input-file.ts";
import { readYaml } from "./yaml-input.ts";
import { cidrContains, formatCidr, formatIpv4, parseCidr, parseIpv4, type Cidr } from "./ipv4.ts";
import { SINGLE_NETWORK, type Topology } from "./model.ts";
import { RELEASE_NAMES } from "./releases.ts";
import { topologyFileSchema, type ParsedTopologyFile } from "./schema.ts";
import { validateTopology } from "./validate.ts";

/** What a user may change on the command line without editing the file: two labs side by side. */
export interface TopologyOverrides {
  name?: string;
  subnet?: string;
  odooImage?: string;
  /** A local Odoo source to build the app image from (relative to the working directory). */
  odooSource?: string;
  /** The same lab on another release (validated again: its Patroni may refuse the file's timing). */
  release?: string;
  /** How each override was given, for messages: its flag (the default) or "the environment variable LAB_SUBNET". */
  givenBy?: { name?: string; subnet?: string; odooImage?: string; odooSource?: string; release?: string };
}

export function loadTopologyFile(path: string, overrides: TopologyOverrides = {}): Topology {
  const file = readInputFile(path, "pass the path of a topology YAML file, e.g. labs/odoo-ha/topology.yaml");
  if ("issue" in file) throw new TopologyError(path, [file.issue]);
  const topology = parseTopology(file.text, path, overrides);
  // A source named in the file is relative to the file; one given on the command line, to the shell.
  // An image given on the command line replaces the file's source as well as its image.
  const fileSource = overrides.odooImage ? undefined : topology.odoo.source && resolve(dirname(path), topology.odoo.source);
  const source = overrides.odooSource ? resolve(overrides.odooSource) : fileSource;
  if (source !== undefined && !existsSync(source)) {
    const field = overrides.odooSource ? (overrides.givenBy?.odooSource ?? "--odoo-source") : "odoo.source";
    throw new TopologyError(path, [{ path: field, message: `${source} does not exist`, fix: "give an Odoo source tarball (odoo-17.0-src.tar.xz) or checkout; a path in the file is relative to the file" }]);
  }
  return { ...topology, odoo: { ...topology.odoo, source } };
}

export function parseTopology(text: string, source: string, overrides: TopologyOverrides = {}): Topology {
  const yaml = readYaml(text);
  if ("issues" in yaml) throw new TopologyError(source, yaml.issues);
  const parsed = topologyFileSchema.safeParse(yaml.value);
  if (!parsed.success) throw new TopologyError(source, parsed.error.issues.map((issue) => describeSchemaIssue(issue, TOPOLOGY_FIXES)));

  const first = validateTopology(parsed.data);
  if (first.issues.length > 0) throw new TopologyError(source, first.issues);
  if (!overrides.name && !overrides.subnet && !overrides.odooImage && !overrides.release) return first.topology as Topology;

  const overridden = applyOverrides(parsed.data, overrides, source);
  const second = validateTopology(overridden);
  if (second.issues.length > 0) throw new TopologyError(`${source} (with overrides)`, second.issues);
  return second.topology as Topology;
}

/** Moves every address to the same host offset in the new subnet, so the file stays the only truth. */
function applyOverrides(file: ParsedTopologyFile, overrides: TopologyOverrides, source: string): ParsedTopologyFile {
  const next: ParsedTopologyFile = structuredClone(file);
  if (overrides.name) {
    const nameCheck = topologyFileSchema.shape.name.safeParse(overrides.name);
    if (!nameCheck.success) {
      throw new TopologyError(source, [{ path: overrides.givenBy?.name ?? "--name", message: `'${overrides.name}' ${nameCheck.error.issues[0]?.message ?? "is invalid"}`, fix: "use a short name like odoo-ha2" }]);
    }
    next.name = overrides.name;
  }
  if (overrides.odooImage) next.odoo.image = overrides.odooImage;
  if (overrides.release) {
    const releaseCheck = topologyFileSchema.shape.release.safeParse(overrides.release);
    if (!releaseCheck.success) {
      throw new TopologyError(source, [{ path: overrides.givenBy?.release ?? "--release", message: `'${overrides.release}' is not a release the lab builds`, fix: `use one of: ${RELEASE_NAMES.join(", ")}` }]);
    }
    next.release = releaseCheck.data;
  }
  if (overrides.subnet) {
    const subnetFlag = overrides.givenBy?.subnet ?? "--subnet";
    const networks = next.networks ? Object.entries(next.networks).map(([name, network]) => ({ name, network })) : next.network ? [{ name: SINGLE_NETWORK, network: next.network }] : [];
    const to = parseCidr(overrides.subnet);
    const first = networks[0] && parseCidr(networks[0].network.subnet);
    if (!to || !first) {
      throw new TopologyError(source, [{ path: subnetFlag, message: `'${overrides.subnet}' is not an IPv4 network in CIDR form`, fix: "write it like 192.168.56.0/24" }]);
    }
    if (networks.length > 1 && to.prefix !== first.prefix) {
      throw new TopologyError(source, [{ path: subnetFlag, message: `moves the lab's ${networks.length} networks together, the first (${networks[0]!.name}, ${networks[0]!.network.subnet}) to ${overrides.subnet}: it must keep its /${first.prefix}`, fix: `give a /${first.prefix}, e.g. ${formatIpv4(to.network)}/${first.prefix}` }]);
    }
    // Every network moves by the same offset, so a lab of several zones keeps its layout side by side.
    const offset = to.network - first.network;
    const movedNetworks = new Map<string, { from: Cidr; to: Cidr }>();
    for (const { name, network } of networks) {
      const from = parseCidr(network.subnet);
      if (!from) continue; // reported by validation
      const moved = name === networks[0]!.name ? to : { network: from.network + offset, prefix: from.prefix };
      movedNetworks.set(name, { from, to: moved });
      network.subnet = formatCidr(moved);
    }
    const rebase = (address: string, path: string, network: string): string => {
      const ip = parseIpv4(address);
      const move = movedNetworks.get(network);
      if (ip === undefined || !move) return address; // reported by validation
      const moved = move.to.network + (ip - move.from.network);
      if (!cidrContains(move.to, moved)) {
        throw new TopologyError(source, [{ path, message: `${address} has no place in ${formatCidr(move.to)} (too small)`, fix: "use a subnet at least as large as the file's" }]);
      }
      return formatIpv4(moved);
    };
    next.vip.address = rebase(next.vip.address, "vip.address", next.vip.network ?? networks[0]!.name);
    for (const [name, node] of Object.entries(next.nodes)) {
      // (`address` is a one-network lab's: on its only network)
      if (node.address !== undefined) node.address = rebase(node.address, `nodes.${name}.address`, networks[0]!.name);
      for (const [networkName, address] of Object.entries(node.networks ?? {})) node.networks![networkName] = rebase(address, `nodes.${name}.networks.${networkName}`, networkName);
    }
  }
  return next;
}

/** What a file's own format says about unknown fields and everything else a schema issue can be. */
export interface SchemaFixes {
  unknownFields: string;
  otherwise: string;
}

const TOPOLOGY_FIXES: SchemaFixes = {
  unknownFields: "remove them or check their spelling against labs/odoo-ha/topology.yaml",
  otherwise: "see docs/topology.md for the allowed values",
};

/** A zod issue as a field, what is wrong with it, and how to fix it. */
export function describeSchemaIssue(issue: ZodIssue, fixes: SchemaFixes): TopologyIssue {
  const path = issue.path.join(".") || "(top level)";
  switch (issue.code) {
    case "invalid_enum_value":
      return { path, message: `'${String(issue.received)}' is not known`, fix: `use one of: ${issue.options.join(", ")}` };
    case "unrecognized_keys":
      return { path, message: `unknown field(s): ${listed(issue.keys)}`, fix: fixes.unknownFields };
    case "invalid_type":
      if (issue.path.length === 0) return { path, message: `the file holds ${withArticle(issue.received)}, not a mapping of fields`, fix: fixes.otherwise };
      return issue.received === "undefined"
        ? { path, message: "is required", fix: `add it (${issue.expected})` }
        : { path, message: `expected ${issue.expected}, got ${issue.received}`, fix: `write ${withArticle(issue.expected)}` };
    default:
      return { path, message: issue.message, fix: fixes.otherwise };
  }
}

/** At most ten names, then how many more: a file of 11,000 misspelt keys gets a readable refusal. */
function listed(names: string[], most = 10): string {
  return names.length <= most ? names.join(", ") : `${names.slice(0, most).join(", ")} and ${names.length - most} more`;
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;
}
