import type { ReleaseName } from "./releases.ts";
import type { RoleGroup, RoleName } from "./roles.ts";

/** The validated, normalised lab: pure data that every other package reads. */
export interface Topology {
  name: string;
  description: string;
  release: ReleaseName;
  /** Every network of the lab, in the file's order; a one-network lab's is named "lab". */
  networks: LabNetwork[];
  vip: { address: string; network: string; routerId: number; advertIntervalSeconds: number; holders: string[] };
  nodes: TopologyNode[];
  services: { databaseReadWritePort: number; databaseReadOnlyPort: number; webPort: number };
  postgres: {
    /** The major version of the release's PostgreSQL. */
    version: number;
    synchronous: boolean | "quorum";
    maxConnections: number;
    patroni: { ttl: number; loopWait: number; retryTimeout: number; maximumLagOnFailoverBytes: number };
  };
  /** PgBouncer's settings; its nodes are those with the `pgbouncer` role (the default is session pooling). */
  pgbouncer: { poolMode: "session" | "transaction" };
  storage: {
    layout: "single-brick" | "replicated";
    volume: string;
    pingTimeoutSeconds: number;
    /** Nodes with a brick, in brick order; with the replicated layout the last one is the arbiter. */
    servers: string[];
  };
  /** `source` (absolute) is set when the app image is built from a local Odoo source instead of `image`. */
  /** `sessions`: where Odoo keeps web sessions (the lab's addon: the database; or stock Odoo's files on the filestore). */
  /** `otherDatabases`: the further databases of a multi-tenant server (the workload uses `database`). */
  odoo: {
    image: string;
    source: string | undefined;
    database: string;
    otherDatabases: string[];
    dbMaxConn: number;
    sessions: "database" | "filestore";
    /** Where Odoo also writes its log lines (`log_db`), from `level` up; undefined: only to its log file. */
    logDatabase: { name: string; level: OdooLogLevel } | undefined;
  };
}

/** Every database the lab's Odoo serves, its own first. */
export type OdooLogLevel = "debug" | "info" | "warning" | "error" | "critical";

export function odooDatabases(topology: Pick<Topology, "odoo">): string[] {
  return [topology.odoo.database, ...topology.odoo.otherDatabases];
}

export interface OdooNodeSettings {
  workers: number;
  maxCronThreads: number;
  http: boolean;
}

export interface LabNetwork {
  name: string;
  subnet: string;
  prefix: number;
  /** The host's side of the network (its bridge, on Docker). */
  gateway: string;
}

/** The name of a one-network lab's network (`network:` in the file). */
export const SINGLE_NETWORK = "lab";

export interface NodeInterface {
  network: string;
  address: string;
}

export interface TopologyNode {
  name: string;
  /** Its address on the first network it joins (its only one on a one-network lab). */
  address: string;
  /** Its address on each network it joins, in the file's order. */
  interfaces: NodeInterface[];
  roles: RoleName[];
  memoryMiB: number | undefined;
  /** Present on nodes with the `odoo` role. */
  odoo: OdooNodeSettings | undefined;
}

export function nodesWithRole(topology: Topology, role: RoleName): TopologyNode[] {
  return topology.nodes.filter((node) => node.roles.includes(role));
}

/** The app nodes that serve Odoo's HTTP, and so the balancers' servers (a cron-only node serves none). */
export function webAppNodes(topology: Topology): TopologyNode[] {
  return nodesWithRole(topology, "odoo").filter((node) => node.odoo?.http);
}

export function hasRole(node: TopologyNode, role: RoleName): boolean {
  return node.roles.includes(role);
}

export function findNode(topology: Topology, name: string): TopologyNode {
  const node = topology.nodes.find((candidate) => candidate.name === name);
  if (!node) {
    const known = topology.nodes.map((candidate) => candidate.name).join(", ");
    throw new Error(`No node named '${name}' in lab '${topology.name}'. Nodes: ${known}.`);
  }
  return node;
}

export function findNetwork(topology: Pick<Topology, "networks">, name: string): LabNetwork {
  const network = topology.networks.find((candidate) => candidate.name === name);
  if (!network) throw new Error(`No network named '${name}' (networks: ${topology.networks.map((candidate) => candidate.name).join(", ")}).`);
  return network;
}

/** The node's address on a network, if it joins it. */
export function addressOn(node: Pick<TopologyNode, "interfaces">, network: string): string | undefined {
  return node.interfaces.find((candidate) => candidate.network === network)?.address;
}

/**
 * The address of a node's lab interface: its interface on the VIP's network (where keepalived holds
 * the VIP and the network faults act), or on its first network when it does not join that one.
 */
export function labInterfaceAddress(topology: Pick<Topology, "vip">, node: Pick<TopologyNode, "interfaces">): string {
  return addressOn(node, labNetworkOf(topology, node))!;
}

/** The network of a node's lab interface (see labInterfaceAddress). */
export function labNetworkOf(topology: Pick<Topology, "vip">, node: Pick<TopologyNode, "interfaces">): string {
  return addressOn(node, topology.vip.network) !== undefined ? topology.vip.network : node.interfaces[0]!.network;
}

/**
 * Where `from` reaches `target`: the target's address on the first of its networks that `from` joins
 * too (validation makes sure every pair of nodes that talk shares one).
 */
export function addressFor(target: Pick<TopologyNode, "name" | "interfaces">, from: Pick<TopologyNode, "name" | "interfaces">): string {
  const address = reachableAt(target, from);
  if (address === undefined) throw new Error(`${from.name} shares no network with ${target.name}`);
  return address;
}

/** Every address of `target` on a network `from` joins too (one per network they share). */
export function addressesReachableFrom(target: Pick<TopologyNode, "interfaces">, from: Pick<TopologyNode, "interfaces">): string[] {
  return target.interfaces.filter((candidate) => from.interfaces.some((own) => own.network === candidate.network)).map((candidate) => candidate.address);
}

/** addressFor, or undefined when the two share no network (`from` cannot reach `target` at all). */
export function reachableAt(target: Pick<TopologyNode, "interfaces">, from: Pick<TopologyNode, "interfaces">): string | undefined {
  return target.interfaces.find((candidate) => from.interfaces.some((own) => own.network === candidate.network))?.address;
}

/** A network every one of these nodes joins (the first of the first node's), for a group whose members all talk to each other. */
export function sharedNetwork(nodes: readonly Pick<TopologyNode, "name" | "interfaces">[]): string {
  const first = nodes[0];
  if (!first) throw new Error("no nodes to share a network");
  const shared = first.interfaces.find((candidate) => nodes.every((node) => node.interfaces.some((own) => own.network === candidate.network)));
  if (!shared) throw new Error(`${nodes.map((node) => node.name).join(", ")} share no network`);
  return shared.network;
}

/** The network a group of roles talks over (ROLE_GROUPS): the one its nodes all join. */
export function groupNetwork(topology: Pick<Topology, "nodes">, group: Pick<RoleGroup, "roles">): string {
  return sharedNetwork(topology.nodes.filter((node) => group.roles.some((role) => node.roles.includes(role))));
}
