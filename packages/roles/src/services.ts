import type { RoleName, Topology, TopologyNode } from "@odoo-ha-lab/topology";

/** The services each role runs, in start order (status, logs and chaos name services by these). */
export const ROLE_SERVICES: Record<RoleName, string[]> = {
  haproxy: ["haproxy"],
  keepalived: ["keepalived"],
  etcd: ["etcd"],
  postgresql: ["patroni"],
  "filestore-server": ["glusterd"],
  odoo: ["filestore-client", "odoo"],
};

export function planServices(_topology: Topology, node: TopologyNode): string[] {
  return node.roles.flatMap((role) => ROLE_SERVICES[role]);
}
