import { planServices } from "@odoo-ha-lab/roles";
import { waitFor } from "@odoo-ha-lab/machine";
import { z } from "zod";
import type { FaultAction } from "./fault-action.ts";
import { faultKind, faultSchema, nodeName, nodeProblems, type FaultTarget } from "./fault-kind.ts";
import { onRunningNode } from "./on-running-node.ts";

/**
 * Stop (clean) or kill (SIGKILL) one service on a node. A kill reaches every process of the service,
 * also those it detached: killing `patroni` kills its PostgreSQL too, as a crash of the unit would.
 */
const serviceSchema = faultSchema({
  kind: z.enum(["stop-service", "kill-service"]),
  node: nodeName,
  service: z.string().regex(/^[A-Za-z0-9_.@-]+$/, "not a service name (e.g. patroni, haproxy, glusterd)"),
});
type ServiceSpec = z.output<typeof serviceSchema>;

export const serviceFault = faultKind({
  schema: serviceSchema,
  describe: (spec) => `${spec.kind === "kill-service" ? "kill" : "stop"} service ${spec.service} on ${spec.node}`,
  problems: (spec, target) => [...nodeProblems("node", spec.node, target), ...serviceProblems(spec, target)],
  action: serviceAction,
});

/** The service must be one the lab runs on every node the name stands for. */
function serviceProblems(spec: ServiceSpec, target: FaultTarget): string[] {
  return target.nodesNamed(spec.node).flatMap((node) => {
    const services = planServices(node);
    return services.includes(spec.service) ? [] : [`service: ${node.name} runs no service '${spec.service}' (it runs ${services.join(", ")})`];
  });
}

/**
 * stop-service / kill-service through the node's service manager. A killed service may be restarted
 * by its manager at once (supervisord and systemd units with Restart= do); heal makes sure it runs.
 */
function serviceAction(spec: ServiceSpec): FaultAction {
  const { node, service } = spec;
  return {
    async inject(context) {
      const verb = spec.kind === "kill-service" ? "kill" : "stop";
      await onRunningNode(context, node, `${verb} service ${service}`, (host) => (verb === "kill" ? host.services.kill(service) : host.services.stop(service)));
    },
    async heal(context) {
      await onRunningNode(context, node, `start service ${service}`, async (host) => {
        await host.services.start(service);
        await waitFor(`service ${service} on ${node} to run`, async () => {
          const state = await host.services.state(service);
          return state === "running" ? { done: true, value: undefined } : { done: false, observation: state };
        }, { timeoutMs: 60_000, intervalMs: 200 });
      }, { stopped: `${service} starts with the node when it boots`, absent: "nothing to start" });
    },
  };
}
