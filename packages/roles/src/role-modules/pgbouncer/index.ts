import { PATHS } from "../../render/paths.ts";
import type { RoleModule } from "../role-module.ts";
import { convergePgbouncer } from "./converge.ts";
import { pgbouncerPlan } from "./plan.ts";

/**
 * PgBouncer (Debian's) in front of its node's PostgreSQL: the balancers send SQL to it instead of to
 * PostgreSQL, and Patroni's REST checks still pick the node. Its pool mode decides what Odoo keeps:
 * session pooling carries LISTEN/NOTIFY (Odoo's bus and cron wake-ups), transaction pooling does not.
 */
export const pgbouncerRole: RoleModule = {
  name: "pgbouncer",
  services: ["pgbouncer"],
  plan: pgbouncerPlan,
  debianPackages: () => ["pgbouncer"],
  machine: {
    // (its user, 'postgres', comes with the postgresql role's packages)
    directories: [{ path: PATHS.pgbouncerDir }],
    debianUnits: () => ["pgbouncer.service"],
  },
  steps: [{ name: "pgbouncer", after: [], run: convergePgbouncer }],
};
