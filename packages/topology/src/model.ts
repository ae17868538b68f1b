import type { ReleaseName } from "./releases.ts";
import type { RoleName } from "./roles.ts";

/** The validated, normalised lab: pure data that every other package reads. */
export interface Topology {
  name: string;
  description: string;
  release: ReleaseName;
  network: { subnet: string; prefix: number; gateway: string };
  vip: { address: string; routerId: number; advertIntervalSeconds: number; holders: string[] };
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
  odoo: { image: string; source: string | undefined; database: string; otherDatabases: string[]; dbMaxConn: number; sessions: "database" | "filestore" };
}

/** Every database the lab's Odoo serves, its own first. */
export function odooDatabases(topology: Pick<Topology, "odoo">): string[] {
  return [topology.odoo.database, ...topology.odoo.otherDatabases];
}

export interface OdooNodeSettings {
  workers: number;
  maxCronThreads: number;
  http: boolean;
}

export interface TopologyNode {
  name: string;
  address: string;
  roles: RoleName[];
  memoryMiB: number | undefined;
  /** Present on nodes with the `odoo` role. */
  odoo: OdooNodeSettings | undefined;
}

export function nodesWithRole(topology: Topology, role: RoleName): TopologyNode[] {
  return topology.nodes.filter((node) => node.roles.includes(role));
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
