import { z } from "zod";
import type { FaultAction } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems, type FaultTarget } from "./fault-kind.ts";
import { webAppNodes } from "@odoo-ha-lab/topology";
import { drainOnEveryBalancer, warmAndReturnToBalancers } from "./app-node-balancing.ts";

/** Take an app node out of every load balancer, once its requests in flight are done (before a planned stop). */
const drainSchema = faultSchema({ kind: z.literal("drain-app-node"), node: nodeName });
type DrainSpec = z.output<typeof drainSchema>;

export const drainAppNodeFault = faultKind({
  schema: drainSchema,
  describe: (spec) => `drain ${spec.node} in the load balancers`,
  problems: (spec, target) => [...nodeProblems("node", spec.node, target), ...balancedProblems(spec, target)],
  action: drainAppNodeAction,
});

/** The balancers' servers are the nodes that serve Odoo's HTTP (not cron-only ones). */
function balancedProblems(spec: DrainSpec, target: FaultTarget): string[] {
  const webNodes = webAppNodes(target.topology);
  const outside = target.nodesNamed(spec.node).filter((node) => !webNodes.includes(node));
  return outside.map((node) => `node: ${node.name} is not behind the load balancers; drain one of ${webNodes.map((web) => web.name).join(", ")}`);
}

/**
 * drain-app-node: what an operator does before a planned restart. Every load balancer stops giving
 * the node new requests (HAProxy `set server ... state drain`), and the inject returns once no
 * request is in flight there, so stopping the node afterwards fails nobody. Heal warms its workers
 * and puts it back (`state ready`), and returns once every balancer's health check has the node UP
 * again. Journaled like a fault, so a run that stops half-way never leaves a node out of the
 * balancers. Without it, a request that reaches a stopping node is reset, and HAProxy cannot safely
 * re-send a POST that may have run (see the odoo_http backend).
 */
function drainAppNodeAction(spec: DrainSpec): FaultAction {
  return {
    inject: (context) => drainOnEveryBalancer(context, spec.node),
    heal: (context) => warmAndReturnToBalancers(context, spec.node),
  };
}
