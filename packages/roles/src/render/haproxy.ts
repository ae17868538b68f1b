import { nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import { PORTS } from "./paths.ts";

/**
 * haproxy.cfg for a load balancer: PostgreSQL read-write and read-only listeners routed by Patroni's
 * REST health (the same endpoints a human would ask), and Odoo's web with /websocket sent to the
 * real-time port. No sticky sessions: Odoo's sessions live on the shared filestore.
 */
export function renderHaproxyConfig(topology: Topology): string {
  const databases = nodesWithRole(topology, "postgresql");
  const webNodes = nodesWithRole(topology, "odoo").filter((node) => node.odoo?.http);
  const { databaseReadWritePort, databaseReadOnlyPort, webPort } = topology.services;
  const pgServers = (indent: string) =>
    databases.map((db) => `${indent}server ${db.name} ${db.address}:${PORTS.postgres} check port ${PORTS.patroniRest}`);

  return [
    "global",
    "    maxconn 4000",
    "    log stdout format raw local0 info",
    "    stats socket /run/haproxy-admin.sock mode 600 level admin",
    "",
    "defaults",
    "    log global",
    "    mode tcp",
    "    option dontlognull",
    "    timeout connect 2s",
    "    timeout client 30m",
    "    timeout server 30m",
    "    timeout check 2s",
    "",
    "listen stats",
    `    bind *:${PORTS.haproxyStats}`,
    "    mode http",
    "    stats enable",
    "    stats uri /",
    "    stats refresh 5s",
    "",
    "# Writes go to whichever node Patroni reports as primary; sessions to a demoted node are cut at once.",
    "listen postgres_rw",
    `    bind *:${databaseReadWritePort}`,
    "    mode tcp",
    "    option httpchk GET /primary",
    "    http-check expect status 200",
    "    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions",
    ...pgServers("    "),
    "",
    "listen postgres_ro",
    `    bind *:${databaseReadOnlyPort}`,
    "    mode tcp",
    "    balance roundrobin",
    "    option httpchk GET /replica",
    "    http-check expect status 200",
    "    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions",
    ...pgServers("    "),
    "",
    "frontend odoo_web",
    `    bind *:${webPort}`,
    "    mode http",
    "    option httplog",
    "    option forwardfor",
    "    timeout client 60s",
    "    http-request set-header X-Forwarded-Proto http",
    "    http-request set-header X-Forwarded-Host %[req.hdr(host)]",
    "    acl is_realtime path_beg /websocket /longpolling",
    "    use_backend odoo_realtime if is_realtime",
    "    default_backend odoo_http",
    "",
    "# A request that found a dead server is re-sent to a live one instead of failing the user.",
    "backend odoo_http",
    "    mode http",
    "    balance roundrobin",
    "    timeout server 120s",
    "    option redispatch",
    "    retries 2",
    "    retry-on conn-failure empty-response",
    "    option httpchk GET /web/health",
    "    http-check expect status 200",
    "    default-server inter 1s fall 2 rise 2",
    "    # Says which app node served a response (%s: the server's name), so a client can record it.",
    "    http-response set-header X-Lab-Backend %s",
    ...webNodes.map((node) => `    server ${node.name} ${node.address}:${PORTS.odooHttp} check`),
    "",
    "backend odoo_realtime",
    "    mode http",
    "    balance roundrobin",
    "    timeout server 1h",
    "    timeout tunnel 1h",
    "    option httpchk GET /web/health",
    "    http-check expect status 200",
    "    default-server inter 1s fall 2 rise 2",
    ...webNodes.map((node) => `    server ${node.name} ${node.address}:${PORTS.odooRealtime} check port ${PORTS.odooHttp}`),
    "",
  ].join("\n");
}
