/**
 * The roles a node can play, and the ports each role listens on. Ports are listed here (not in the
 * renderers, which read them from here) because the model must catch clashes before anything is
 * rendered or started.
 */
export const ROLE_NAMES = [
  "haproxy", // TCP/HTTP load balancer in front of PostgreSQL (Patroni REST checks) and Odoo
  "keepalived", // VRRP: holds the virtual IP on one load balancer at a time
  "etcd", // distributed configuration store: Patroni's leader lock lives here
  "postgresql", // PostgreSQL 15 managed by Patroni (primary or streaming replica)
  "filestore-server", // GlusterFS brick + glusterd: the shared Odoo data_dir
  "odoo", // Odoo application server (a real Odoo image, or one built from a local Odoo source)
  "pgbouncer", // PgBouncer in front of its node's PostgreSQL: the balancers send SQL through it
  "monitor", // Prometheus + Alertmanager: scrapes the balancers, Patroni and etcd, and fires the lab's alerts
  "node-exporter", // Prometheus's node exporter: the machine as its monitor sees it (an app node's filestore mount)
] as const;

export type RoleName = (typeof ROLE_NAMES)[number];

export interface RolePort {
  port: number;
  purpose: string;
}

/** Every fixed port of the lab's services (the renderers, probes and clash checks all read these). */
export const PORTS = {
  etcdClient: 2379,
  etcdPeer: 2380,
  postgres: 5432,
  patroniRest: 8008,
  haproxyStats: 8404,
  glusterd: 24007,
  glusterBrick: 49152,
  odooHttp: 8069,
  odooRealtime: 8072,
  pgbouncer: 6432,
  prometheus: 9090,
  alertmanager: 9093,
  nodeExporter: 9100,
} as const;

/** Fixed ports of each role. HAProxy's front ports come from `services` in the topology. */
export const ROLE_PORTS: Record<RoleName, RolePort[]> = {
  haproxy: [{ port: PORTS.haproxyStats, purpose: "HAProxy stats page" }],
  keepalived: [],
  etcd: [
    { port: PORTS.etcdClient, purpose: "etcd client API" },
    { port: PORTS.etcdPeer, purpose: "etcd peer API" },
  ],
  postgresql: [
    { port: PORTS.postgres, purpose: "PostgreSQL" },
    { port: PORTS.patroniRest, purpose: "Patroni REST API" },
  ],
  "filestore-server": [
    { port: PORTS.glusterd, purpose: "glusterd management" },
    { port: PORTS.glusterBrick, purpose: "GlusterFS brick" },
  ],
  odoo: [
    { port: PORTS.odooHttp, purpose: "Odoo HTTP" },
    { port: PORTS.odooRealtime, purpose: "Odoo real-time (gevent) /websocket" },
  ],
  pgbouncer: [{ port: PORTS.pgbouncer, purpose: "PgBouncer" }],
  monitor: [
    { port: PORTS.prometheus, purpose: "Prometheus" },
    { port: PORTS.alertmanager, purpose: "Alertmanager" },
  ],
  "node-exporter": [{ port: PORTS.nodeExporter, purpose: "Prometheus node exporter" }],
};

/**
 * Who talks to whom, for the checks of a lab with several networks: every node of `from` shares a
 * network with every node of `to` (`"vip"`: joins the VIP's network); a node joins no network that
 * none of its roles talks over.
 */
export interface RoleLink {
  from: RoleName;
  to: RoleName | "vip";
  purpose: string;
}

export const ROLE_LINKS: readonly RoleLink[] = [
  { from: "haproxy", to: "postgresql", purpose: "sends SQL to it and asks Patroni's REST API which is primary" },
  { from: "haproxy", to: "odoo", purpose: "sends the web to it" },
  { from: "keepalived", to: "vip", purpose: "holds the VIP and sends VRRP adverts to the other holders" },
  { from: "odoo", to: "vip", purpose: "reaches the database through the VIP" },
  { from: "monitor", to: "haproxy", purpose: "scrapes each balancer's metrics" },
  { from: "monitor", to: "postgresql", purpose: "scrapes Patroni's metrics" },
  { from: "monitor", to: "etcd", purpose: "scrapes etcd's metrics" },
  { from: "monitor", to: "vip", purpose: "asks the balancers through the VIP whether it answers" },
  { from: "monitor", to: "node-exporter", purpose: "scrapes its node exporter" },
];

/**
 * Nodes that all reach each other at the one address each advertises, so all on one network (the
 * first of the first member's that every member joins: `groupNetwork`): etcd's members and the
 * Patroni nodes (etcd hands its clients its members' advertised URLs), the database nodes
 * (replication, Patroni's connect_address), the filestore's servers and its clients (a GlusterFS
 * client connects to each brick at the address the volume names it by).
 */
export interface RoleGroup {
  name: string;
  roles: readonly RoleName[];
  purpose: string;
}

export const ROLE_GROUPS = {
  etcd: { name: "etcd", roles: ["etcd", "postgresql"], purpose: "etcd's members and the Patroni nodes that keep their leader lock in it reach each other at their advertised addresses" },
  postgresql: { name: "postgresql", roles: ["postgresql"], purpose: "the database nodes stream WAL to each other at Patroni's connect addresses" },
  filestore: { name: "filestore", roles: ["filestore-server", "odoo"], purpose: "the filestore's servers and its Odoo clients reach each brick at the address the volume names it by" },
} as const satisfies Record<string, RoleGroup>;
