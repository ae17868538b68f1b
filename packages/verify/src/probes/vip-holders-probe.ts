import { findVipHolders } from "@odoo-ha-lab/roles";
import type { ProbeContext } from "./probe-context.ts";

/** Which load balancers have the VIP on their interface (asked on each node with `ip addr`). */
export async function probeVipHolders(context: ProbeContext): Promise<Record<string, unknown>> {
  return { holders: await findVipHolders(context.topology, context.hosts) };
}
