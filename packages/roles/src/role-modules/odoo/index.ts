import { PATHS } from "../../render/paths.ts";
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
  machine: {
    // A login shell: Odoo runs as a login user in the official image, and `-i base` runs as it.
    users: [{ name: "odoo", home: PATHS.odooDataDir, shell: "/bin/bash" }],
    directories: [{ path: "/etc/odoo", owner: "odoo" }, { path: PATHS.odooDataDir, owner: "odoo" }, { path: "/mnt/extra-addons", owner: "odoo" }],
    usesFuse: true, // the filestore's GlusterFS client
  },
  steps: [
    { name: "odoo-files", after: ["filestore"], run: convergeOdooFiles },
    { name: "odoo", after: ["postgresql", "pgbouncer", "odoo-files", "keepalived"], run: convergeOdoo },
  ],
};
