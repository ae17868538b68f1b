/**
 * TCP keepalives on both ends of every database session, so a session whose peer vanished (a
 * balancer powered off or cut off mid-query) is noticed after at most idle + interval × count
 * seconds of silence instead of the kernel's 2 h. A live peer's kernel answers the probes even
 * while PostgreSQL runs a long query, so they never end a slow but healthy session.
 */
export const TCP_KEEPALIVES = { idleSeconds: 10, intervalSeconds: 3, count: 3 } as const;

/** The libpq service Odoo's connections use (odoo.conf has no keepalive options; libpq reads them from here). */
export const ODOO_PG_SERVICE = "odoo";

/**
 * A libpq connection service file (pg_service.conf) with the keepalives for Odoo's database
 * connections. Odoo builds its connections from odoo.conf's db_* keys only (`connection_info_for` in
 * odoo/sql_db.py); libpq takes every parameter those leave unset from the service named by
 * PGSERVICE. Without it, an Odoo worker whose query was in flight when the balancer holding the VIP
 * died waits for an answer that never comes, until `limit_time_real` kills it.
 */
export function renderOdooPgService(): string {
  return [
    `[${ODOO_PG_SERVICE}]`,
    "keepalives=1",
    `keepalives_idle=${TCP_KEEPALIVES.idleSeconds}`,
    `keepalives_interval=${TCP_KEEPALIVES.intervalSeconds}`,
    `keepalives_count=${TCP_KEEPALIVES.count}`,
    "",
  ].join("\n");
}
