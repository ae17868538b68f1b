import type { PlanContext, RolePlan } from "../../node-plan.ts";
import { PATHS } from "../../render/paths.ts";
import { renderPatroniConfig } from "./render.ts";

export function postgresqlPlan({ topology, node, secrets }: PlanContext): RolePlan {
  return {
    prepare: [["install", "-d", "-o", "postgres", "-g", "postgres", "-m", "0700", PATHS.postgresDataDir]],
    files: [{ path: PATHS.patroniConfig, content: renderPatroniConfig(topology, node, secrets), mode: 0o600, owner: "postgres" }],
    services: [
      {
        name: "patroni",
        command: ["patroni", PATHS.patroniConfig],
        user: "postgres",
        // Patroni stops PostgreSQL on SIGINT/TERM; give it time to do so cleanly.
        stopTimeoutSeconds: 30,
        stopSignal: "INT",
        // Patroni re-reads patroni.yml (and applies pg_hba/parameters) on SIGHUP.
        reloadSignal: "HUP",
      },
    ],
  };
}
