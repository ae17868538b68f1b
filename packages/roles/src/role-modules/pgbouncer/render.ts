import { applicationConnections, nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import type { LabSecrets } from "../../secrets.ts";
import { PATHS, PORTS } from "../../render/paths.ts";

/**
 * pgbouncer.ini: every database of the node's own PostgreSQL (Odoo's, and `postgres`, where Odoo's
 * cron and bus LISTEN), for the users the userlist names, in the lab's pool mode.
 */
export function renderPgbouncerConfig(topology: Topology): string {
  const postgresNodes = nodesWithRole(topology, "postgresql").length;
  // Never more server connections than PostgreSQL keeps for applications (validate.ts sizes Odoo's
  // pools to fit in them): past it a client waits for a connection instead of failing "too many clients".
  const serverConnections = applicationConnections(topology.postgres.maxConnections, postgresNodes);
  return [
    "[databases]",
    `* = host=127.0.0.1 port=${PORTS.postgres}`,
    "",
    "[pgbouncer]",
    "listen_addr = *",
    `listen_port = ${PORTS.pgbouncer}`,
    // No Unix socket: clients come through the balancers, and /run/postgresql is PostgreSQL's own.
    "unix_socket_dir =",
    "auth_type = scram-sha-256",
    `auth_file = ${PATHS.pgbouncerUserlist}`,
    `pool_mode = ${topology.pgbouncer.poolMode}`,
    `default_pool_size = ${serverConnections}`,
    `max_user_connections = ${serverConnections}`,
    "max_client_conn = 2000",
    // Sent by some clients (JDBC, node-postgres' defaults); PgBouncer refuses what it does not track.
    "ignore_startup_parameters = extra_float_digits",
    "admin_users = postgres",
    "logfile =",
    "log_connections = 0",
    "log_disconnections = 0",
    "",
  ].join("\n");
}

/** The users PgBouncer lets in, with the passwords it logs in to PostgreSQL with (SCRAM both ways). */
export function renderPgbouncerUserlist(secrets: LabSecrets): string {
  const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;
  return [
    `${quoted(secrets.odooDbUser)} ${quoted(secrets.odooDbPassword)}`,
    `${quoted("postgres")} ${quoted(secrets.postgresSuperuserPassword)}`,
    "",
  ].join("\n");
}
