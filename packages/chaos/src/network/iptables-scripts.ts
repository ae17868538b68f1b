import { shellCommand, shellQuote } from "@odoo-ha-lab/machine";

/**
 * Shell scripts that install and remove one fault's chain in one round trip per node. Both are
 * idempotent: installing twice leaves one hook, removing what is not there (e.g. after the node
 * restarted and lost its rules) succeeds.
 */
export type ChainHook = "INPUT" | "OUTPUT";

export function installChainScript(chain: string, rules: string[][], hook: ChainHook = "INPUT"): string {
  const c = shellQuote(chain);
  return [
    "set -e",
    `iptables -w -N ${c} 2>/dev/null || iptables -w -F ${c}`,
    ...rules.map((rule) => `iptables -w -A ${c} ${shellCommand(rule)}`),
    `iptables -w -C ${hook} -j ${c} 2>/dev/null || iptables -w -I ${hook} 1 -j ${c}`,
  ].join("\n");
}

export function removeChainScript(chain: string): string {
  const c = shellQuote(chain);
  return [
    `while iptables -w -D INPUT -j ${c} 2>/dev/null; do :; done`,
    `while iptables -w -D OUTPUT -j ${c} 2>/dev/null; do :; done`,
    `iptables -w -F ${c} 2>/dev/null || true`,
    `iptables -w -X ${c} 2>/dev/null || true`,
    // Proof, not hope: iptables itself must answer, and the chain must be gone.
    "rules=$(iptables -w -S) || exit 3",
    `if printf '%s\\n' "$rules" | grep -qE -- ' ${chain}( |$)'; then echo "chain ${chain} is still there" >&2; exit 4; fi`,
  ].join("\n");
}

/** Why iptables fails in a container more often than anything else. */
export function iptablesHint(stderr: string): string {
  return /permission denied|operation not permitted/i.test(stderr)
    ? " (the node lacks CAP_NET_ADMIN: give its container --cap-add NET_ADMIN, or run as root on a real host)"
    : "";
}
