import { stringify } from "yaml";
import { nodesWithRole, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import { PATHS, PORTS } from "../../render/paths.ts";

/** etcd 3.4 config file: one member per etcd node, a static initial cluster scoped by the lab name. */
export function renderEtcdConfig(topology: Topology, node: TopologyNode): string {
  const members = nodesWithRole(topology, "etcd");
  return stringify({
    name: node.name,
    "data-dir": PATHS.etcdDataDir,
    "listen-client-urls": `http://0.0.0.0:${PORTS.etcdClient}`,
    "advertise-client-urls": `http://${node.address}:${PORTS.etcdClient}`,
    "listen-peer-urls": `http://0.0.0.0:${PORTS.etcdPeer}`,
    "initial-advertise-peer-urls": `http://${node.address}:${PORTS.etcdPeer}`,
    "initial-cluster": members.map((member) => `${member.name}=http://${member.address}:${PORTS.etcdPeer}`).join(","),
    "initial-cluster-token": `odoo-ha-lab-${topology.name}`,
    "initial-cluster-state": "new",
    // Lower than the defaults (100/1000 ms) so an etcd leader loss resolves well inside Patroni's ttl.
    "heartbeat-interval": 100,
    "election-timeout": 1000,
    "enable-v2": false,
    // Patroni's etcd3 client speaks the JSON gateway; with --config-file etcd 3.4 turns it off unless asked.
    "enable-grpc-gateway": true,
    "log-level": "warn",
    logger: "zap",
  });
}

export function etcdEndpoints(topology: Topology): string[] {
  return nodesWithRole(topology, "etcd").map((member) => `${member.address}:${PORTS.etcdClient}`);
}
