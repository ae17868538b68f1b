import { shellQuote } from "@odoo-ha-lab/machine";

/**
 * Traffic-control scripts (pure). The chaos root qdisc carries a handle of its own, so a heal deletes
 * only what a fault put there, and a second shaping fault on the same node is refused instead of
 * silently replacing the first. `replace`, not `add`: real hosts have a default root qdisc (fq_codel,
 * mq) that a delete brings back.
 */
export const CHAOS_ROOT_HANDLE = "ca05:";
/** Exit code of a script whose kernel lacks a qdisc it needs (netem). */
export const EXIT_UNSUPPORTED = 42;
/** Exit code of a script that found the node shaped by another fault already. */
export const EXIT_BUSY = 43;

const refuseIfShaped = (dev: string) =>
  `if tc qdisc show dev ${dev} | grep -q ' ${CHAOS_ROOT_HANDLE} root'; then echo "${dev} is shaped by another fault already: heal it first" >&2; exit ${EXIT_BUSY}; fi`;

/** Egress bandwidth: a token bucket filter as the root qdisc (ingress is an iptables policer, see iptables-plan). */
export function egressBandwidthScript(device: string, rateKbit: number): string {
  const dev = shellQuote(device);
  // At least two full frames, else nothing passes; about 100 ms of traffic above that.
  const burstBytes = Math.max(3000, Math.ceil((rateKbit * 125) / 10));
  return ["set -e", refuseIfShaped(dev), `tc qdisc replace dev ${dev} root handle ${CHAOS_ROOT_HANDLE} tbf rate ${rateKbit}kbit burst ${burstBytes} latency 500ms`].join("\n");
}

/**
 * netem where the kernel has it: an htb root with a default class for everything and a second
 * class, with netem under it, for traffic to the peers.
 */
export function latencyScript(device: string, delayMs: number, peerAddresses: string[]): string {
  const dev = shellQuote(device);
  const root = CHAOS_ROOT_HANDLE;
  return [
    "set -e",
    refuseIfShaped(dev),
    `tc qdisc replace dev ${dev} root handle ${root} htb default 1`,
    `tc class add dev ${dev} parent ${root} classid ${root}1 htb rate 10gbit`,
    `tc class add dev ${dev} parent ${root} classid ${root}2 htb rate 10gbit`,
    `if ! out=$(tc qdisc add dev ${dev} parent ${root}2 handle ca06: netem delay ${delayMs}ms 2>&1); then`,
    `  tc qdisc del dev ${dev} root || true`,
    `  echo "$out" >&2`,
    `  case "$out" in *nknown*|*"not found"*|*"No such file"*) exit ${EXIT_UNSUPPORTED};; esac`,
    "  exit 1",
    "fi",
    ...peerAddresses.map((address) => `tc filter add dev ${dev} parent ${root} protocol ip prio 1 u32 match ip dst ${shellQuote(address)}/32 flowid ${root}2`),
  ].join("\n");
}

/** Removes the chaos root qdisc; idempotent, and proves it is gone. */
export function removeShapingScript(device: string): string {
  const dev = shellQuote(device);
  return [
    `if tc qdisc show dev ${dev} | grep -q ' ${CHAOS_ROOT_HANDLE} root'; then tc qdisc del dev ${dev} root; fi`,
    `out=$(tc qdisc show dev ${dev}) || exit 3`,
    `case "$out" in *" ${CHAOS_ROOT_HANDLE} root"*) echo "${dev} is still shaped: $out" >&2; exit 4;; esac`,
  ].join("\n");
}
