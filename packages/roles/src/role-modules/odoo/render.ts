import { odooDatabases, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import type { LabSecrets } from "../../secrets.ts";
import { LAB_ODOO_ADDON } from "./lab-addon.ts";
import { PATHS, PORTS } from "../../render/paths.ts";

/**
 * odoo.conf as the official odoo images read it. The database is reached through the VIP's
 * read-write listener, so a PostgreSQL failover is invisible to the configuration.
 *
 * `db_name` without a `dbfilter`: Odoo then takes the database list from `db_name` instead of asking
 * PostgreSQL for it (`list_dbs` in odoo/service/db.py), and it asks on every request that carries no
 * session, /web/health included. With a dbfilter, each health check opened a connection to the
 * database through the VIP, so while the primary failed over the balancers' checks timed out and both
 * app nodes were marked down (503 for every user, even for pages that need no database).
 *
 * A multi-tenant server (`odoo.otherDatabases`) lists every database in `db_name`, which is how Odoo
 * without a dbfilter exposes several; the sessions of all of them live in the lab's own database.
 *
 * `addons_path` replaces Odoo's default, so it names Odoo's own addons folder of a source install
 * (the lab's image and the SSH target; an official image keeps them inside the package, which Odoo
 * always adds) beside the lab's; `server_wide_modules` loads the lab's addon in every process, and
 * `lab_ha_session_store` tells it where web sessions live.
 */
export function renderOdooConfig(topology: Topology, node: TopologyNode, secrets: LabSecrets): string {
  const settings = node.odoo;
  if (!settings) throw new Error(`${node.name} has no 'odoo' role`);
  const options: [string, string | number][] = [
    ["db_host", topology.vip.address],
    ["db_port", topology.services.databaseReadWritePort],
    ["db_user", secrets.odooDbUser],
    ["db_password", secrets.odooDbPassword],
    ["db_name", odooDatabases(topology).join(",")],
    ["db_maxconn", topology.odoo.dbMaxConn],
    ["data_dir", PATHS.odooDataDir],
    ["addons_path", `${PATHS.odooHome}/addons,${PATHS.odooLabAddons}`],
    ["server_wide_modules", `base,web,${LAB_ODOO_ADDON}`],
    ["lab_ha_session_store", topology.odoo.sessions],
    ["lab_ha_session_db", topology.odoo.database],
    ["http_enable", settings.http ? "True" : "False"],
    ["http_port", PORTS.odooHttp],
    ["gevent_port", PORTS.odooRealtime],
    ["workers", settings.workers],
    ["max_cron_threads", settings.maxCronThreads],
    ["proxy_mode", "True"],
    ["list_db", "False"],
    ["admin_passwd", secrets.odooMasterPassword],
    // Through the same VIP and credentials as the lab's databases (the odoo role creates it: converge.ts).
    ...(topology.odoo.logDatabase ? [["log_db", topology.odoo.logDatabase.name], ["log_db_level", topology.odoo.logDatabase.level]] satisfies [string, string][] : []),
  ];
  return ["[options]", ...options.map(([key, value]) => `${key} = ${value}`), ""].join("\n");
}
