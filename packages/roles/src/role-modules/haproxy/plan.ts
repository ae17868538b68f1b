import type { PlanContext, RolePlan } from "../../node-plan.ts";
import { PATHS } from "../../render/paths.ts";
import { renderHaproxyConfig } from "./render.ts";

export function haproxyPlan({ topology, node }: PlanContext): RolePlan {
  return {
    prepare: [],
    files: [{ path: PATHS.haproxyConfig, content: renderHaproxyConfig(topology, node), mode: 0o644 }],
    // -W (master-worker): SIGUSR2 starts new workers on the new config while old ones finish their sessions.
    services: [{ name: "haproxy", command: ["haproxy", "-W", "-db", "-f", PATHS.haproxyConfig], stopTimeoutSeconds: 5, reloadSignal: "USR2" }],
  };
}
