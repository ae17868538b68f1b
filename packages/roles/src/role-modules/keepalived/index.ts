import type { RoleModule } from "../role-module.ts";
import { convergeKeepalived } from "./converge.ts";
import { keepalivedPlan } from "./plan.ts";

/** keepalived moves the VIP between the balancers; its check follows the node's HAProxy, so HAProxy comes first. */
export const keepalivedRole: RoleModule = {
  name: "keepalived",
  services: ["keepalived"],
  plan: keepalivedPlan,
  debianPackages: () => ["keepalived"],
  machine: { directories: [{ path: "/etc/keepalived" }], debianUnits: () => ["keepalived.service"] },
  steps: [{ name: "keepalived", after: ["haproxy"], run: convergeKeepalived }],
};
