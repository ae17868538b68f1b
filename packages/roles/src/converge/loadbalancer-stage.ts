import { nodesWithRole } from "@odoo-ha-lab/topology";
import { haproxyPlan, keepalivedPlan } from "../node-plan.ts";
import { findVipHolders } from "../probes/vip.ts";
import { waitFor } from "@odoo-ha-lab/machine";
import { applyPlan } from "./apply-plan.ts";
import { hostFor, timeout, type ConvergeContext } from "./context.ts";

export async function convergeLoadBalancers(context: ConvergeContext): Promise<void> {
  const balancers = nodesWithRole(context.topology, "haproxy");
  await Promise.all(
    balancers.map(async (node) => {
      const host = hostFor(context, node.name);
      const plan = { ...context, node, interfaceName: host.interfaceName };
      const changes = await applyPlan(host, haproxyPlan(plan));
      if (node.roles.includes("keepalived")) changes.push(...(await applyPlan(host, keepalivedPlan(plan))));
      context.progress({ stage: "loadbalancer", node: node.name, message: changes.join(", ") || "unchanged" });
    }),
  );
  const holders = await waitFor(
    `exactly one load balancer to hold the VIP ${context.topology.vip.address}`,
    async () => {
      const found = await findVipHolders(context.topology, context.hosts);
      return found.length === 1 ? { done: true, value: found } : { done: false, observation: `holders: [${found.join(", ")}]` };
    },
    { timeoutMs: timeout(context, 30) },
  );
  context.progress({ stage: "loadbalancer", node: holders[0], message: `holds VIP ${context.topology.vip.address}` });
}
