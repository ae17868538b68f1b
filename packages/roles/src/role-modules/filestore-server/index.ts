import { PATHS } from "../../render/paths.ts";
import type { RoleModule } from "../role-module.ts";
import { convergeFilestore } from "./converge.ts";
import { filestoreServerPlan } from "./plan.ts";

/** The shared filestore: a GlusterFS volume the app nodes mount (the odoo role's filestore-client). */
export const filestoreServerRole: RoleModule = {
  name: "filestore-server",
  services: ["glusterd"],
  plan: filestoreServerPlan,
  debianPackages: () => ["glusterfs-server"],
  machine: {
    directories: [{ path: PATHS.glusterBrickRoot }],
    debianUnits: () => ["glusterd.service", "glustereventsd.service"],
    durableFolders: [{ name: "bricks", path: PATHS.glusterBrickRoot }, { name: "glusterd", path: "/var/lib/glusterd" }],
    usesFuse: true,
  },
  steps: [{ name: "filestore", after: [], run: convergeFilestore }],
};
