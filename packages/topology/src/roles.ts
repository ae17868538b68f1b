/**
 * The roles a node can play, and the ports each role listens on. Ports are listed here (not in the
 * renderers) because the model must catch clashes before anything is rendered or started.
 */
export const ROLE_NAMES = [
  "haproxy", // TCP/HTTP load balancer in front of PostgreSQL (Patroni REST checks) and Odoo
  "keepalived", // VRRP: holds the virtual IP on one load balancer at a time
  "etcd", // distributed configuration store: Patroni's leader lock lives here
  "postgresql", // PostgreSQL 15 managed by Patroni (primary or streaming replica)
  "filestore-server", // GlusterFS brick + glusterd: the shared Odoo data_dir
  "odoo", // Odoo application server (a real Odoo image, or one built from a local Odoo source)
] as const;

export type RoleName = (typeof ROLE_NAMES)[number];

export interface RolePort {
  port: number;
  purpose: string;
}

/** Fixed ports of each role. HAProxy's front ports come from `services` in the topology. */
export const ROLE_PORTS: Record<RoleName, RolePort[]> = {
  haproxy: [{ port: 8404, purpose: "HAProxy stats page" }],
  keepalived: [],
  etcd: [
    { port: 2379, purpose: "etcd client API" },
    { port: 2380, purpose: "etcd peer API" },
  ],
  postgresql: [
    { port: 5432, purpose: "PostgreSQL" },
    { port: 8008, purpose: "Patroni REST API" },
  ],
  "filestore-server": [
    { port: 24007, purpose: "glusterd management" },
    { port: 49152, purpose: "GlusterFS brick" },
  ],
  odoo: [
    { port: 8069, purpose: "Odoo HTTP" },
    { port: 8072, purpose: "Odoo real-time (gevent) /websocket" },
  ],
};
