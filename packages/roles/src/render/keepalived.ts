import type { Topology, TopologyNode } from "@odoo-ha-lab/topology";
import { PATHS } from "./paths.ts";

/**
 * keepalived.conf for one VIP holder. VRRPv3 so the advert interval can go below a second (0.1 s moved
 * the VIP in ~0.4 s here). Unicast peers, so a partition between the load balancers is a real
 * partition. nopreempt: a returning node does not take the VIP back and cause a second outage.
 */
export function renderKeepalivedConfig(topology: Topology, node: TopologyNode, interfaceName: string): string {
  const holders = topology.vip.holders;
  const rank = holders.indexOf(node.name);
  if (rank < 0) throw new Error(`${node.name} does not hold the VIP of lab ${topology.name}`);
  const peers = topology.nodes.filter((other) => holders.includes(other.name) && other.name !== node.name);
  return [
    "global_defs {",
    `    router_id ${topology.name}-${node.name}`,
    "    enable_script_security",
    "    script_user root",
    "    vrrp_version 3",
    "    vrrp_garp_master_delay 1",
    "    vrrp_garp_master_refresh 10",
    "}",
    "",
    "vrrp_script check_haproxy {",
    `    script "${PATHS.keepalivedCheckScript}"`,
    "    interval 1",
    "    timeout 1",
    "    fall 2",
    "    rise 1",
    "}",
    "",
    `vrrp_instance ${topology.name.replace(/-/g, "_")}_vip {`,
    "    state BACKUP",
    "    nopreempt",
    `    interface ${interfaceName}`,
    `    virtual_router_id ${topology.vip.routerId}`,
    `    priority ${150 - rank * 10}`,
    `    advert_int ${topology.vip.advertIntervalSeconds}`,
    `    unicast_src_ip ${node.address}`,
    "    unicast_peer {",
    ...peers.map((peer) => `        ${peer.address}`),
    "    }",
    "    virtual_ipaddress {",
    `        ${topology.vip.address}/${topology.network.prefix} dev ${interfaceName}`,
    "    }",
    "    track_script {",
    "        check_haproxy",
    "    }",
    "}",
    "",
  ].join("\n");
}

/** Healthy when HAProxy runs and answers on its stats port: a hung HAProxy must give the VIP away. */
export function renderKeepalivedCheckScript(): string {
  return ["#!/bin/sh", "pidof haproxy >/dev/null || exit 1", "exec curl -sf -o /dev/null --max-time 1 http://127.0.0.1:8404/", ""].join("\n");
}
