import { stringify } from "yaml";
import { addressOn, groupNetwork, nodesWithRole, ROLE_GROUPS, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import { PATHS, PORTS } from "../../render/paths.ts";

/** etcd 3.4 config file: one member per etcd node, a static initial cluster scoped by the lab name. */
export function renderEtcdConfig(topology: Topology, node: TopologyNode): string {
  const members = nodesWithRole(topology, "etcd");
  const address = etcdAddress(topology);
  return stringify({
    name: node.name,
    "data-dir": PATHS.etcdDataDir,
    "listen-client-urls": `http://0.0.0.0:${PORTS.etcdClient}`,
    "advertise-client-urls": `http://${address(node)}:${PORTS.etcdClient}`,
    "listen-peer-urls": `http://0.0.0.0:${PORTS.etcdPeer}`,
    "initial-advertise-peer-urls": `http://${address(node)}:${PORTS.etcdPeer}`,
    "initial-cluster": members.map((member) => `${member.name}=http://${address(member)}:${PORTS.etcdPeer}`).join(","),
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

/** Where etcd's members and their Patroni clients reach a member: its address on the network they all join. */
function etcdAddress(topology: Topology): (member: TopologyNode) => string {
  const network = groupNetwork(topology, ROLE_GROUPS.etcd);
  return (member) => addressOn(member, network)!;
}

export function etcdEndpoints(topology: Topology): string[] {
  const address = etcdAddress(topology);
  return nodesWithRole(topology, "etcd").map((member) => `${address(member)}:${PORTS.etcdClient}`);
}
