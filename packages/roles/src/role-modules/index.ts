import type { RoleName, TopologyNode } from "@odoo-ha-lab/topology";
import { etcdRole } from "./etcd/index.ts";
import { filestoreServerRole } from "./filestore-server/index.ts";
import { haproxyRole } from "./haproxy/index.ts";
import { keepalivedRole } from "./keepalived/index.ts";
import { monitorRole } from "./monitor/index.ts";
import { nodeExporterRole } from "./node-exporter/index.ts";
import { odooRole } from "./odoo/index.ts";
import { pgbouncerRole } from "./pgbouncer/index.ts";
import { postgresqlRole } from "./postgresql/index.ts";
import type { RoleModule } from "./role-module.ts";

/** Every role a node can play: a new role is its folder and its line here (and its name and ports in the topology). */
export const ROLE_MODULES: readonly RoleModule[] = [etcdRole, postgresqlRole, pgbouncerRole, filestoreServerRole, haproxyRole, keepalivedRole, odooRole, nodeExporterRole, monitorRole];

export function roleModule(name: RoleName): RoleModule {
  const found = ROLE_MODULES.find((role) => role.name === name);
  if (!found) throw new Error(`no role module '${name}' is registered (role-modules/index.ts has: ${ROLE_MODULES.map((role) => role.name).join(", ")})`);
  return found;
}

/** The services a node runs, in start order: its roles' services. */
export function planServices(node: TopologyNode): string[] {
  return node.roles.flatMap((role) => roleModule(role).services);
}
