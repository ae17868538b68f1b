import type { PlanContext, RolePlan } from "../../node-plan.ts";
import { PATHS } from "../../render/paths.ts";
import { renderPgbouncerConfig, renderPgbouncerUserlist } from "./render.ts";

export function pgbouncerPlan({ topology, secrets }: PlanContext): RolePlan {
  return {
    prepare: [],
    files: [
      { path: PATHS.pgbouncerConfig, content: renderPgbouncerConfig(topology), mode: 0o644 },
      { path: PATHS.pgbouncerUserlist, content: renderPgbouncerUserlist(secrets), mode: 0o600, owner: "postgres" },
    ],
    // In the foreground (no -d), as the lab runs every daemon; a config change restarts it (`up` only).
    services: [{ name: "pgbouncer", command: ["pgbouncer", PATHS.pgbouncerConfig], user: "postgres", stopTimeoutSeconds: 5 }],
  };
}
