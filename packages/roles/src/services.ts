import type { Topology, TopologyNode } from "@odoo-ha-lab/topology";

/** The service names each role runs on a node, in start order (used by status, logs and chaos). */
export function planServices(_topology: Topology, node: TopologyNode): string[] {
  const names: string[] = [];
  for (const role of node.roles) {
    switch (role) {
      case "etcd":
        names.push("etcd");
        break;
      case "postgresql":
        names.push("patroni");
        break;
      case "filestore-server":
        names.push("glusterd");
        break;
      case "haproxy":
        names.push("haproxy");
        break;
      case "keepalived":
        names.push("keepalived");
        break;
      case "odoo":
        names.push("filestore-client", "odoo");
        break;
    }
  }
  return names;
}
