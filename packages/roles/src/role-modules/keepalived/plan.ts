import type { PlanContext, RolePlan } from "../../node-plan.ts";
import { PATHS } from "../../render/paths.ts";
import { renderKeepalivedCheckScript, renderKeepalivedConfig, renderKeepalivedLeaveScript, renderKeepalivedStateScript } from "./render.ts";

export function keepalivedPlan({ topology, node, interfaceName }: PlanContext): RolePlan {
  return {
    prepare: [],
    files: [
      { path: PATHS.keepalivedCheckScript, content: renderKeepalivedCheckScript(), mode: 0o755 },
      { path: PATHS.keepalivedLeaveScript, content: renderKeepalivedLeaveScript(), mode: 0o755 },
      { path: PATHS.keepalivedStateScript, content: renderKeepalivedStateScript(), mode: 0o755 },
      { path: PATHS.keepalivedConfig, content: renderKeepalivedConfig(topology, node, interfaceName), mode: 0o644 },
    ],
    services: [
      {
        name: "keepalived",
        command: ["keepalived", "--dont-fork", "--log-console", "--use-file", PATHS.keepalivedConfig, "--pid", "/run/lab/keepalived.pid", "--vrrp_pid", "/run/lab/keepalived-vrrp.pid", "--checkers_pid", "/run/lab/keepalived-checkers.pid"],
        stopTimeoutSeconds: 5,
        reloadSignal: "HUP",
      },
    ],
  };
}
