import { waitFor } from "@odoo-ha-lab/roles";
import type { FaultSpec } from "../fault-spec.ts";
import type { FaultAction } from "./fault-action.ts";
import { onRunningNode } from "./on-running-node.ts";

type ServiceSpec = Extract<FaultSpec, { kind: "stop-service" | "kill-service" }>;

/**
 * stop-service / kill-service through the node's service manager. A killed service may be restarted
 * by its manager at once (supervisord and systemd units with Restart= do); heal makes sure it runs.
 */
export function serviceAction(spec: ServiceSpec): FaultAction {
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
