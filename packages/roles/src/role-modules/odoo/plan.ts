import type { PlanContext, RolePlan } from "../../node-plan.ts";
import { PATHS } from "../../render/paths.ts";
import { ODOO_PG_SERVICE, renderOdooPgService } from "../../render/tcp-keepalives.ts";
import { filestoreClientCommand } from "../filestore-server/render.ts";
import { labOdooAddonFiles } from "./lab-addon.ts";
import { renderOdooConfig } from "./render.ts";

/** libpq's connect_timeout for Odoo's database connections (2 s is the least libpq honours). */
export const ODOO_DB_CONNECT_TIMEOUT_SECONDS = 2;

/** The FUSE mount of the shared filestore, then the Odoo server that waits for it. */
export function odooPlan({ topology, node, secrets }: PlanContext): RolePlan {
  return {
    prepare: [["install", "-d", "-m", "0755", PATHS.odooDataDir]],
    files: [
      { path: PATHS.odooConfig, content: renderOdooConfig(topology, node, secrets), mode: 0o640, owner: "odoo" },
      { path: PATHS.odooPgService, content: renderOdooPgService(), mode: 0o644 },
      ...labOdooAddonFiles(),
    ],
    services: [
      // The FUSE mount reads none of odoo.conf: an Odoo config change must not remount the filestore.
      { name: "filestore-client", command: filestoreClientCommand(topology), stopTimeoutSeconds: 5, readsRoleFiles: false },
      {
        name: "odoo",
        command: ["/usr/local/bin/lab-wait-mount", PATHS.odooDataDir, "--", "odoo", "-c", PATHS.odooConfig],
        user: "odoo",
        // libpq waits for a connection without end by default; a worker waiting on a database that is
        // failing over serves nobody else, not even the balancers' health checks.
        // ODOO_PGAPPNAME: each connection says which node and process it comes from (pg_stat_activity,
        // and the lab's cron run markers). PGSERVICE: TCP keepalives (see renderOdooPgService).
        environment: {
          HOME: PATHS.odooDataDir,
          PGCONNECT_TIMEOUT: String(ODOO_DB_CONNECT_TIMEOUT_SECONDS),
          ODOO_PGAPPNAME: `odoo-${node.name}-{pid}`,
          PGSERVICEFILE: PATHS.odooPgService,
          PGSERVICE: ODOO_PG_SERVICE,
        },
        stopTimeoutSeconds: 15,
        stopsItsChildren: true,
      },
    ],
  };
}
