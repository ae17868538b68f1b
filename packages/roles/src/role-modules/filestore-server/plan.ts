import type { PlanContext, RolePlan } from "../../node-plan.ts";
import { PATHS } from "../../render/paths.ts";

export function filestoreServerPlan({ topology }: PlanContext): RolePlan {
  return {
    prepare: [["install", "-d", "-m", "0755", `${PATHS.glusterBrickRoot}/${topology.storage.volume}`]],
    files: [],
    services: [{ name: "glusterd", command: ["glusterd", "--no-daemon", "--log-file=-"], stopTimeoutSeconds: 10 }],
  };
}
