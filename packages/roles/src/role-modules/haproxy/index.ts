import type { RoleModule } from "../role-module.ts";
import { convergeHaproxy } from "./converge.ts";
import { haproxyPlan } from "./plan.ts";

/**
 * HAProxy in front of the app nodes and the database: it needs none of the others to start (its
 * health checks find the backends when they come).
 */
export const haproxyRole: RoleModule = {
  name: "haproxy",
  services: ["haproxy"],
  plan: haproxyPlan,
  debianPackages: () => ["haproxy"],
  machine: { directories: [{ path: "/etc/haproxy" }], debianUnits: () => ["haproxy.service"] },
  steps: [{ name: "haproxy", after: [], run: convergeHaproxy }],
};
