import { addressFor, nodesWithRole, webAppNodes, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import { PATHS, PORTS } from "../../render/paths.ts";

/**
 * haproxy.cfg for a load balancer: PostgreSQL read-write and read-only listeners routed by Patroni's
 * REST health (the same endpoints a human would ask), and Odoo's web with /websocket sent to the
 * real-time port. No sticky sessions: Odoo's sessions live on the shared filestore.
 */
/** Where a database node takes SQL: its PgBouncer when it has one (Patroni's checks still judge the node). */
function sqlPort(node: TopologyNode): number {
  return node.roles.includes("pgbouncer") ? PORTS.pgbouncer : PORTS.postgres;
}

export function renderHaproxyConfig(topology: Topology, balancer: TopologyNode): string {
  const databases = nodesWithRole(topology, "postgresql");
  const webNodes = webAppNodes(topology);
  const { databaseReadWritePort, databaseReadOnlyPort, webPort } = topology.services;
  const pgServers = (indent: string) =>
    databases.map((db) => `${indent}server ${db.name} ${addressFor(db, balancer)}:${sqlPort(db)} check port ${PORTS.patroniRest}`);

  return [
    "global",
    "    maxconn 4000",
    "    log stdout format raw local0 info",
    `    stats socket ${PATHS.haproxyAdminSocket} mode 600 level admin`,
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
    "    # HAProxy's built-in Prometheus exporter (Debian builds it in): what a monitor node scrapes.",
    "    http-request use-service prometheus-exporter if { path /metrics }",
    "    stats enable",
    "    stats uri /",
    "    stats refresh 5s",
    "",
    "# Writes go to whichever node Patroni reports as primary; sessions to a demoted node are cut at once.",
    "# A database node answers a connection in milliseconds; one that died never does, and until its",
    "# checks mark it down each connection attempt waits out `timeout connect`, times `retries`. Short",
    "# attempts keep a client (an Odoo worker) from being held for seconds by a primary that is gone,",
    "# and its first failed connection marks it down at once (`on-error mark-down`): a primary that is",
    "# shutting down for a switchover still holds Patroni's leader key, so its /primary says 200 until",
    "# its key is released, and clients were sent to it for 1.5 s each meanwhile (docs/benchmarks.md).",
    "# A server that is down is asked every 250 ms (`downinter`), so the new primary takes writes within",
    "# a quarter of a second of taking the key rather than a second; twice in a row (`rise 2`), so the",
    "# old primary's last 200s do not bring it back.",
    "listen postgres_rw",
    `    bind *:${databaseReadWritePort}`,
    "    mode tcp",
    // One line per connection with its timers, server and termination state: which server a client
    // was sent to during a failover, and how long it waited for it (docs/benchmarks.md, switchover).
    "    option tcplog",
    "    timeout connect 500ms",
    ...patroniCheck("/primary"),
    "    default-server inter 1s fastinter 250ms downinter 250ms fall 2 rise 2 observe layer4 error-limit 1 on-error mark-down on-marked-down shutdown-sessions",
    ...pgServers("    "),
    "",
    "# Reads go to the replicas. While none is healthy (a replica being promoted, the other node down)",
    "# they go to the primary instead of failing: a lab of two database nodes has no replica from the",
    "# promotion until the old primary rejoins, and reads were out that long (a backup server could not",
    "# say so: it would be checked with /replica too, and Patroni's /read-only would send reads to the",
    "# primary while a replica is there to take them).",
    "listen postgres_ro",
    `    bind *:${databaseReadOnlyPort}`,
    "    mode tcp",
    "    option tcplog",
    "    timeout connect 500ms",
    "    use_backend postgres_rw if { nbsrv(postgres_ro) eq 0 }",
    "    balance roundrobin",
    ...patroniCheck("/replica"),
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
    "# A request that found a dead server is re-sent to a live one instead of failing the user: a short",
    "# connect timeout (a LAN answers in milliseconds), a redispatch on every retry, and a server marked",
    "# down on its first connection error rather than after two failed health checks. Only a request that",
    "# cannot have run is re-sent: a POST (every JSON-RPC call) that reached a server which then died may",
    "# have committed, and replaying it does it twice (measured: a partner created twice when odoo1 was",
    "# killed). GETs (downloads, assets) are idempotent and still re-sent on an empty response. Each",
    "# request has a server connection of its own, as Odoo's prefork workers close after each response",
    "# anyway: a reused keep-alive connection that a stopping server closes would fail a POST that never",
    "# ran. A node that comes back (a restart, a deploy) is ramped up over `slowstart` instead of taking",
    "# its full share at once: its workers start with empty database pools, and a flood of cold requests",
    "# would queue behind them.",
    "# An Odoo worker serves one request at a time, so each server takes as many requests as it has",
    "# workers (`maxconn`) and the rest wait in HAProxy's queue, where a request whose client gave up is",
    "# dropped (`abortonclose`) instead of being served later to nobody. Without this, requests that",
    "# waited on a failing-over database piled up in Odoo's listen backlog (16 per node), new connections",
    "# to the node timed out, `observe layer4` took that for a dead node, and both nodes were marked",
    "# down: 503 for every user until they rose again.",
    "# When every node's check fails at once, the checks are more likely wrong than every node dead: a",
    "# database failover holds all of Odoo's workers, /web/health waits behind them and times out on",
    "# every node together. Each node is then also a backup server without a check (`-failopen`), used",
    "# only while no checked server is up: requests wait for a worker in HAProxy's queue and are served",
    "# when the database is back, instead of 503 for two more checks after it (measured: switchover,",
    "# 3 s of 503 from both balancers; docs/benchmarks.md). A node that is really gone still fails the",
    "# connection, and HAProxy retries it on the other.",
    "backend odoo_http",
    "    mode http",
    "    balance roundrobin",
    "    timeout connect 500ms",
    "    timeout queue 30s",
    "    option abortonclose",
    "    # As long as Odoo lets a request run (limit_time_real, 120 s by default), and no longer.",
    "    timeout server 120s",
    "    option redispatch 1",
    "    retries 3",
    "    retry-on conn-failure empty-response",
    "    http-request disable-l7-retry if METH_POST",
    "    option http-server-close",
    ...odooHealthCheck(topology),
    "    default-server inter 1s fastinter 250ms fall 2 rise 2 slowstart 10s observe layer4 error-limit 1 on-error mark-down",
    "    # Says which app node served a response (%s: the server's name), so a client can record it.",
    "    http-response set-header X-Lab-Backend %s",
    ...webNodes.map((node) => `    server ${node.name} ${addressFor(node, balancer)}:${PORTS.odooHttp} check${workerLimit(node)}`),
    ...webNodes.map((node) => `    server ${node.name}${FAIL_OPEN_SUFFIX} ${addressFor(node, balancer)}:${PORTS.odooHttp} backup${workerLimit(node)}`),
    "",
    "backend odoo_realtime",
    "    mode http",
    "    balance roundrobin",
    "    timeout server 1h",
    "    timeout tunnel 1h",
    ...odooHealthCheck(topology),
    "    default-server inter 1s fall 2 rise 2",
    ...webNodes.map((node) => `    server ${node.name} ${addressFor(node, balancer)}:${PORTS.odooRealtime} check port ${PORTS.odooHttp}`),
    "",
  ].join("\n");
}

/** The name of a node's unchecked backup server in odoo_http: what X-Lab-Backend says when it served. */
const FAIL_OPEN_SUFFIX = "-failopen";

/**
 * Patroni's health endpoint asked with OPTIONS, as Patroni's documentation advises for HAProxy: the
 * same status code as GET without the JSON body, which HAProxy closes the connection on before
 * reading (a "Connection reset by peer" traceback in Patroni's log for every GET check).
 */
function patroniCheck(path: string): string[] {
  return [`    option httpchk OPTIONS ${path}`, "    http-check expect status 200"];
}

/** ` maxconn N` for a prefork node (N workers, one request each); a threaded node (workers 0) takes many at once. */
function workerLimit(node: TopologyNode): string {
  const workers = node.odoo?.workers ?? 0;
  return workers > 0 ? ` maxconn ${workers}` : "";
}

/**
 * Odoo's /web/health, asked as a browser would: HTTP/1.1 with a Host header. Odoo reads the Host of
 * every request (`_get_session_and_dbname` in odoo/http.py) and answers 500 without one, so
 * HAProxy's default HTTP/1.0 check marks every real Odoo down.
 */
function odooHealthCheck(topology: Topology): string[] {
  return [
    "    option httpchk",
    `    http-check send meth GET uri /web/health ver HTTP/1.1 hdr Host ${topology.vip.address}`,
    "    http-check expect status 200",
  ];
}
