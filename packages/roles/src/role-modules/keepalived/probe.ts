import type { Topology } from "@odoo-ha-lab/topology";
import type { Host } from "@odoo-ha-lab/machine";

/** Which load balancers have the VIP on their interface right now (asked on each node, not from logs). */
export async function findVipHolders(topology: Topology, hosts: ReadonlyMap<string, Host>): Promise<string[]> {
  const answers = await Promise.all(
    topology.vip.holders.map(async (name) => {
      const host = hosts.get(name);
      if (!host) return undefined;
      // Bounded: over SSH, a powered-off node does not refuse, it stays silent; it holds nothing.
      const result = await host.exec(addressesCommand(host), { timeoutMs: host.silentAfterMs }).catch(() => undefined);
      return result && result.exitCode === 0 && listsAddress(result.stdout, topology.vip.address) ? name : undefined;
    }),
  );
  return answers.filter((name): name is string => name !== undefined);
}

/** The IPv4 addresses on the node's lab interface, one line each (`ip -o`). */
export function addressesCommand(host: Pick<Host, "interfaceName">): string[] {
  return ["ip", "-o", "-4", "addr", "show", "dev", host.interfaceName];
}

/** Whether addressesCommand's output lists `address` (as `inet <address>/<prefix>`). */
export function listsAddress(ipOutput: string, address: string): boolean {
  return ipOutput.includes(` ${address}/`);
}
