import type { Topology } from "@odoo-ha-lab/topology";
import type { Host } from "../host.ts";

/** Which load balancers have the VIP on their interface right now (asked on each node, not from logs). */
export async function findVipHolders(topology: Topology, hosts: ReadonlyMap<string, Host>): Promise<string[]> {
  const answers = await Promise.all(
    topology.vip.holders.map(async (name) => {
      const host = hosts.get(name);
      if (!host) return undefined;
      // Bounded: over SSH, a powered-off node does not refuse, it stays silent; it holds nothing.
      const result = await host.exec(["ip", "-o", "-4", "addr", "show", "dev", host.interfaceName], { timeoutMs: host.silentAfterMs }).catch(() => undefined);
      return result && result.exitCode === 0 && result.stdout.includes(` ${topology.vip.address}/`) ? name : undefined;
    }),
  );
  return answers.filter((name): name is string => name !== undefined);
}
