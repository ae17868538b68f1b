import { nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import { PORTS, webUrl, type LabSecrets } from "@odoo-ha-lab/roles";

/** Where a user (or the verifier) reaches the lab: derived from the topology, the single source of truth. */
export interface LabEndpoints {
  vip: string;
  /** Odoo through the load balancers, as a user reaches it. */
  webUrl: string;
  readWrite: { host: string; port: number };
  readOnly: { host: string; port: number };
  database: string;
  /** App nodes reached directly (bypassing HAProxy), for health probes and final verification. */
  appNodes: { name: string; url: string }[];
  postgresNodes: { name: string; address: string }[];
  /** Node name for an address, so `inet_server_addr()` can be reported as "postgresql2". */
  nodeByAddress: ReadonlyMap<string, string>;
}

export function labEndpoints(topology: Topology): LabEndpoints {
  const { vip, services } = topology;
  return {
    vip: vip.address,
    webUrl: webUrl(topology),
    readWrite: { host: vip.address, port: services.databaseReadWritePort },
    readOnly: { host: vip.address, port: services.databaseReadOnlyPort },
    database: topology.odoo.database,
    appNodes: nodesWithRole(topology, "odoo")
      .filter((node) => node.odoo?.http)
      .map((node) => ({ name: node.name, url: `http://${node.address}:${PORTS.odooHttp}` })),
    postgresNodes: nodesWithRole(topology, "postgresql").map((node) => ({ name: node.name, address: node.address })),
    nodeByAddress: new Map(topology.nodes.map((node) => [node.address, node.name])),
  };
}

/**
 * The verifier connects to PostgreSQL as the Odoo database role (not the superuser): it sees what
 * Odoo sees, and it cannot use the superuser-reserved connection slots a real application lacks.
 */
export function odooDatabaseCredentials(secrets: LabSecrets): { user: string; password: string } {
  return { user: secrets.odooDbUser, password: secrets.odooDbPassword };
}
