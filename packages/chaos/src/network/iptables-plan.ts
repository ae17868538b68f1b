import { findNetwork, findNode, type Topology } from "@odoo-ha-lab/topology";
import type { NetworkDropSpec } from "../faults/network-drop.ts";

export interface NodeRules {
  node: string;
  /** Each rule is the iptables arguments after `-A <chain>`. */
  rules: string[][];
}

/** One chain per fault, so faults on the same node come and go independently. */
export const CHAIN_PREFIX = "LAB-CHAOS-";

export function chaosChainName(faultId: string): string {
  const name = `${CHAIN_PREFIX}${faultId}`;
  // iptables chain names are at most 28 characters.
  if (!/^[A-Za-z0-9-]+$/.test(faultId) || name.length > 28) throw new Error(`fault id '${faultId}' cannot name an iptables chain (letters, digits, '-', at most ${28 - CHAIN_PREFIX.length} characters)`);
  return name;
}

/**
 * SSH to a node is the lab's out-of-band management path on real hosts (on Docker, nothing listens
 * on 22 and the rule is inert): a fault never cuts it, or the controller could not heal the node.
 */
const MANAGEMENT_PATH = ["-p", "tcp", "--dport", "22", "-j", "RETURN"];

/**
 * The iptables rules of a network fault, per node (pure). Packets are dropped where they ARRIVE, in
 * the receiving node's INPUT: the sender sees silence, as on a cut cable. A drop in OUTPUT would
 * instead fail a datagram sender's send() at once with EPERM (measured: UDP, and keepalived's VRRP
 * adverts), which no real network does. So a partition puts rules on both sides, and a node's
 * outgoing loss lives in its peers' INPUT.
 */
export function networkRulePlan(spec: NetworkDropSpec, topology: Topology): NodeRules[] {
  switch (spec.kind) {
    case "partition": {
      const [first, second] = spec.groups;
      const dropFrom = (sources: string[]) => sourceAddresses(sources, topology, spec.network).map((address) => ["-s", address, "-j", "DROP"]);
      const toSecond = second.map((node) => ({ node, rules: dropFrom(first) }));
      if (spec.direction === "first-to-second") return toSecond;
      return [...first.map((node) => ({ node, rules: dropFrom(second) })), ...toSecond];
    }
    case "isolate": {
      const addresses = addressesOf(spec.node, topology, spec.network);
      // On one network: what arrives from that network's subnet; on all: everything.
      const from = spec.network ? ["-s", findNetwork(topology, spec.network).subnet] : [];
      const peers = topology.nodes.filter((node) => node.name !== spec.node);
      return [
        // Everything it receives from anywhere (peers, the gateway, the host) except its own loopback
        // and the management path (SSH), so the controller can still reach it to heal the fault.
        { node: spec.node, rules: [["-i", "lo", "-j", "RETURN"], MANAGEMENT_PATH, [...from, "-j", "DROP"]] },
        // What it sends: its peers drop it on arrival (VRRP adverts and other one-way traffic included).
        ...peers.map((peer) => ({ node: peer.name, rules: addresses.map((address) => ["-s", address, "-j", "DROP"]) })),
      ];
    }
    case "packet-loss": {
      const addresses = addressesOf(spec.node, topology, spec.network);
      const from = spec.network ? ["-s", findNetwork(topology, spec.network).subnet] : [];
      const random = ["-m", "statistic", "--mode", "random", "--probability", String(spec.probability)];
      const peers = topology.nodes.filter((node) => node.name !== spec.node);
      return [
        { node: spec.node, rules: [MANAGEMENT_PATH, ["!", "-i", "lo", ...from, ...random, "-j", "DROP"]] },
        ...peers.map((peer) => ({ node: peer.name, rules: addresses.map((address) => ["-s", address, ...random, "-j", "DROP"]) })),
      ];
    }
  }
}

/** The addresses a node sends from: one per network it joins, or its one on the network a fault names. */
function addressesOf(node: string, topology: Topology, network?: string): string[] {
  return findNode(topology, node)
    .interfaces.filter((own) => network === undefined || own.network === network)
    .map((own) => own.address);
}

/**
 * The addresses packets from a group carry: each node's own, plus the VIP when every VIP holder is
 * in the group (then whoever holds it is on this side). With holders on both sides the VIP is left
 * out: connections to it are still cut, because the holder drops what the other side sends.
 */
function sourceAddresses(group: string[], topology: Topology, network?: string): string[] {
  const addresses = group.flatMap((node) => addressesOf(node, topology, network));
  const holders = topology.vip.holders;
  const vipCut = network === undefined || network === topology.vip.network;
  if (vipCut && holders.length > 0 && holders.every((holder) => group.includes(holder))) addresses.push(topology.vip.address);
  return addresses;
}

/**
 * Incoming bandwidth: Linux cannot queue what it receives without an ifb device and tc actions (this
 * kernel has no act_* modules), so a hashlimit policer drops what exceeds the rate and TCP slows down.
 */
export function ingressPolicerRules(faultId: string, rateKbit: number): string[][] {
  const bytesPerSecond = Math.max(1, Math.round((rateKbit * 1000) / 8));
  // iptables refuses a byte-mode burst below about one second of traffic (it rounds the rate up a little).
  const burst = Math.ceil(bytesPerSecond * 1.01) + 2048;
  return [["!", "-i", "lo", "-m", "hashlimit", "--hashlimit-above", `${bytesPerSecond}b/s`, "--hashlimit-burst", `${burst}b`, "--hashlimit-name", `chaos${faultId}`.slice(0, 15), "-j", "DROP"]];
}
