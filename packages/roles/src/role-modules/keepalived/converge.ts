import { waitFor } from "@odoo-ha-lab/machine";
import { applyRoleEverywhere } from "../../converge/apply-plan.ts";
import { timeout, type ConvergeContext } from "../../converge/context.ts";
import { keepalivedPlan } from "./plan.ts";
import { findVipHolders } from "./probe.ts";

/** keepalived on every balancer, until exactly one of them holds the VIP. */
export async function convergeKeepalived(context: ConvergeContext): Promise<void> {
  await applyRoleEverywhere(context, "keepalived", "keepalived", keepalivedPlan);
  const holders = await waitFor(
    `exactly one load balancer to hold the VIP ${context.topology.vip.address}`,
    async () => {
      const found = await findVipHolders(context.topology, context.hosts);
      return found.length === 1 ? { done: true, value: found } : { done: false, observation: `holders: [${found.join(", ")}]` };
    },
    { timeoutMs: timeout(context, 30) },
  );
  context.progress({ stage: "keepalived", node: holders[0], message: `holds VIP ${context.topology.vip.address}` });
}
