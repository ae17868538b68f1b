import { postgresClientPackage } from "@odoo-ha-lab/topology";
import type { RoleModule } from "../role-module.ts";
import { convergeOdoo, convergeOdooFiles } from "./converge.ts";
import { odooPlan } from "./plan.ts";

/**
 * Odoo on an app node: its files and the filestore mount while PostgreSQL starts, then the server,
 * once a writable database answers through the VIP.
 */
export const odooRole: RoleModule = {
  name: "odoo",
  services: ["filestore-client", "odoo"],
  plan: odooPlan,
  // psql: the Odoo step asks through the VIP whether the database exists.
  debianPackages: (release) => ["glusterfs-client", postgresClientPackage(release)],
  steps: [
    { name: "odoo-files", after: ["filestore"], run: convergeOdooFiles },
    { name: "odoo", after: ["postgresql", "odoo-files", "keepalived"], run: convergeOdoo },
  ],
};
