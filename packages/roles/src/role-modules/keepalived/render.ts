import { addressOn, findNetwork, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import { PATHS, PORTS } from "../../render/paths.ts";

/**
 * keepalived.conf for one VIP holder. VRRPv3 so the advert interval can go below a second (0.1 s moved
 * the VIP in ~0.4 s here). Unicast peers, so a partition between the load balancers is a real
 * partition. nopreempt: a returning node does not take the VIP back and cause a second outage.
 * Leaving MASTER (backup, fault, stop) runs the leave script: see renderKeepalivedLeaveScript. Every
 * change of state runs the state script: see renderKeepalivedStateScript.
 */
export function renderKeepalivedConfig(topology: Topology, node: TopologyNode, interfaceName: string): string {
  const holders = topology.vip.holders;
  const rank = holders.indexOf(node.name);
  if (rank < 0) throw new Error(`${node.name} does not hold the VIP of lab ${topology.name}`);
  const peers = topology.nodes.filter((other) => holders.includes(other.name) && other.name !== node.name);
  // VRRP goes over the VIP's network, where every holder has an address.
  const onVipNetwork = (holder: TopologyNode) => addressOn(holder, topology.vip.network)!;
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
    `    unicast_src_ip ${onVipNetwork(node)}`,
    "    unicast_peer {",
    ...peers.map((peer) => `        ${onVipNetwork(peer)}`),
    "    }",
    "    virtual_ipaddress {",
    `        ${topology.vip.address}/${findNetwork(topology, topology.vip.network).prefix} dev ${interfaceName}`,
    "    }",
    "    track_script {",
    "        check_haproxy",
    "    }",
    `    notify ${PATHS.keepalivedStateScript}`,
    `    notify_backup ${PATHS.keepalivedLeaveScript}`,
    `    notify_fault ${PATHS.keepalivedLeaveScript}`,
    `    notify_stop ${PATHS.keepalivedLeaveScript}`,
    "}",
    "",
  ].join("\n");
}

/**
 * keepalived's `notify` (TYPE NAME STATE PRIORITY, on every change of state): whether this balancer
 * holds the VIP, for the node exporter's textfile collector when the node has one. Two balancers
 * holding it at once is a split brain only their own states can tell (the VipHeldTwice alert).
 * Written whole, then renamed: the exporter never reads half a file.
 */
export function renderKeepalivedStateScript(): string {
  const file = `${PATHS.nodeExporterTextfiles}/keepalived.prom`;
  return [
    "#!/bin/sh",
    `[ -d ${PATHS.nodeExporterTextfiles} ] || exit 0`,
    "# keepalived runs its scripts with umask 077: the exporter reads the file as another user.",
    "umask 022",
    'held=0; [ "$3" = MASTER ] && held=1',
    `printf '# HELP ${VIP_HELD_METRIC} 1 while keepalived holds the VIP on this balancer (MASTER), else 0.\\n# TYPE ${VIP_HELD_METRIC} gauge\\n${VIP_HELD_METRIC} %s\\n' "$held" > ${file}.new && mv ${file}.new ${file}`,
    "",
  ].join("\n");
}

/** The metric a balancer's state script writes: 1 while it holds the VIP. */
export const VIP_HELD_METRIC = "lab_keepalived_vip_held";

/** Healthy when HAProxy runs and answers on its stats port: a hung HAProxy must give the VIP away. */
export function renderKeepalivedCheckScript(): string {
  return ["#!/bin/sh", "pidof haproxy >/dev/null || exit 1", `exec curl -sf -o /dev/null --max-time 1 http://127.0.0.1:${PORTS.haproxyStats}/`, ""].join("\n");
}

/**
 * Run by keepalived when this balancer stops holding the VIP. Its clients' packets now reach the new
 * holder, which resets them, but this HAProxy still holds the server side of their sessions until
 * `timeout client` (30 min): PostgreSQL would keep their open transactions and row locks that long,
 * and every later transaction on those rows would wait. Shutting every session through the admin
 * socket closes the server side now, and PostgreSQL rolls those transactions back.
 */
export function renderKeepalivedLeaveScript(): string {
  return [
    "#!/usr/bin/python3",
    '"""keepalived notify: this balancer no longer holds the VIP; end every session through HAProxy."""',
    "import socket",
    "import sys",
    "",
    "",
    "def ask(command):",
    "    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as admin:",
    "        admin.settimeout(2)",
    `        admin.connect(${JSON.stringify(PATHS.haproxyAdminSocket)})`,
    '        admin.sendall(command.encode() + b"\\n")',
    "        answer = b\"\"",
    "        while chunk := admin.recv(65536):",
    "            answer += chunk",
    "        return answer.decode()",
    "",
    "",
    "try:",
    "    # Lines of `show servers state`: a format version, a '#' header, then 'be_id be_name srv_id srv_name ...'.",
    '    rows = [line.split() for line in ask("show servers state").splitlines() if line and not line.startswith("#")]',
    '    servers = [f"{row[1]}/{row[3]}" for row in rows if len(row) > 3]',
    "    if servers:",
    '        ask("; ".join(f"shutdown sessions server {server}" for server in servers))',
    '    print(f"{sys.argv[1:]}: shut the sessions of {len(servers)} server(s)")',
    "except OSError as error:  # HAProxy is down: it holds no sessions",
    '    print(f"{sys.argv[1:]}: HAProxy admin socket: {error}", file=sys.stderr)',
    "",
  ].join("\n");
}
