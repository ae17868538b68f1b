import type { TopologyIssue } from "./errors.ts";
import type { Topology, TopologyNode } from "./model.ts";
import { checkNetworks, linkIssues, type CheckedNetworks } from "./network-checks.ts";
import { patroniTimingProblems, versionAtLeast } from "./patroni-timing.ts";
import { RELEASE_NAMES, RELEASES } from "./releases.ts";
import { ROLE_PORTS, type RoleName } from "./roles.ts";
import type { ParsedTopologyFile } from "./schema.ts";

/**
 * Semantic checks the schema cannot express. Returns every issue found (not just the first), so a
 * user fixes a file in one pass.
 */
export function validateTopology(file: ParsedTopologyFile): { topology?: Topology; issues: TopologyIssue[] } {
  const issues: TopologyIssue[] = [];
  const nodeEntries = Object.entries(file.nodes);
  if (nodeEntries.length === 0) {
    issues.push({ path: "nodes", message: "the lab has no nodes", fix: "declare at least the six nodes of labs/odoo-ha/topology.yaml" });
  }
  const networks = checkNetworks(file, issues);
  if (!networks) return { issues };

  const withRole = (role: RoleName): string[] =>
    nodeEntries.filter(([, node]) => node.roles.includes(role)).map(([name]) => name);

  for (const [name, node] of nodeEntries) {
    const seen = new Set<RoleName>();
    node.roles.forEach((role, index) => {
      if (seen.has(role)) {
        issues.push({ path: `nodes.${name}.roles.${index}`, message: `role '${role}' is listed twice`, fix: "list each role once" });
      }
      seen.add(role);
    });
    if (node.roles.includes("keepalived") && !node.roles.includes("haproxy")) {
      issues.push({
        path: `nodes.${name}.roles`,
        message: "keepalived without haproxy would hold the virtual IP on a node that serves nothing",
        fix: "add 'haproxy' to this node's roles or remove 'keepalived'",
      });
    }
    if (node.roles.includes("pgbouncer") && !node.roles.includes("postgresql")) {
      issues.push({
        path: `nodes.${name}.roles`,
        message: "pgbouncer pools the connections of its own node's PostgreSQL, and this node has none",
        fix: "add 'pgbouncer' to the nodes with the 'postgresql' role instead",
      });
    }
    if (node.odoo && !node.roles.includes("odoo")) {
      issues.push({ path: `nodes.${name}.odoo`, message: "odoo settings on a node without the 'odoo' role", fix: "add the 'odoo' role or remove the settings" });
    }
    if (node.odoo?.http === false && (node.odoo.maxCronThreads ?? file.odoo.maxCronThreads) === 0) {
      issues.push({
        path: `nodes.${name}.odoo`,
        message: "a node with http off and no cron threads would do nothing",
        fix: "set maxCronThreads ≥ 1 for a cron-only node, or turn http on",
      });
    }
    checkPortClashes(file, name, node.roles, issues);
    issues.push(...memoryIssues(name, node));
  }

  const etcd = withRole("etcd");
  if (etcd.length < 3) {
    issues.push({
      path: "nodes.*.roles",
      message: `etcd runs on ${etcd.length} node(s) (${etcd.join(", ") || "none"}): losing any one of them would lose quorum and stop every failover`,
      fix: "give the 'etcd' role to at least three nodes, e.g. postgresql1, postgresql2 and lb1",
    });
  }
  const postgres = withRole("postgresql");
  if (postgres.length < 2) {
    issues.push({
      path: "nodes.*.roles",
      message: `PostgreSQL runs on ${postgres.length} node(s): there is nothing to fail over to`,
      fix: "give the 'postgresql' role to two nodes (a primary and a streaming replica)",
    });
  }
  const balancers = withRole("haproxy");
  if (balancers.length === 0) {
    issues.push({ path: "nodes.*.roles", message: "no node has the 'haproxy' role", fix: "give 'haproxy' and 'keepalived' to lb1 and lb2" });
  }
  const holders = withRole("keepalived");
  if (holders.length < 2) {
    issues.push({
      path: "nodes.*.roles",
      message: `the virtual IP has ${holders.length} possible holder(s): losing it loses every endpoint`,
      fix: "give 'keepalived' (with 'haproxy') to two nodes",
    });
  }
  issues.push(...poolerIssues(file, postgres, withRole("pgbouncer")));
  const storageServers = withRole("filestore-server");
  const wantServers = file.storage.layout === "single-brick" ? 1 : 3;
  if (storageServers.length !== wantServers) {
    issues.push({
      path: "storage.layout",
      message: `layout '${file.storage.layout}' needs exactly ${wantServers} 'filestore-server' node(s), found ${storageServers.length} (${storageServers.join(", ") || "none"})`,
      fix:
        file.storage.layout === "single-brick"
          ? "give 'filestore-server' to one node (the seed puts it on lb2)"
          : "give 'filestore-server' to three nodes: two data bricks and an arbiter (e.g. lb2, lb1, postgresql1)",
    });
  }
  const odooNodes = withRole("odoo");
  if (odooNodes.length === 0) {
    issues.push({ path: "nodes.*.roles", message: "no node has the 'odoo' role", fix: "give 'odoo' to odoo1 and odoo2" });
  }
  const webNodes = odooNodes.filter((name) => file.nodes[name]?.odoo?.http !== false);
  if (odooNodes.length > 0 && webNodes.length === 0) {
    issues.push({ path: "nodes.*.odoo.http", message: "every Odoo node has http off: the web has no backend", fix: "leave http on for at least one odoo node" });
  }

  issues.push(...connectionBudgetIssues(file), ...otherDatabaseIssues(file), ...logDatabaseIssues(file), ...linkIssues(file, networks));

  const { ttl, loopWait, retryTimeout } = file.postgres.patroni;
  if (loopWait + 2 * retryTimeout > ttl) {
    issues.push({
      path: "postgres.patroni",
      message: `loopWait + 2 × retryTimeout = ${loopWait + 2 * retryTimeout} s exceeds ttl ${ttl} s: the leader could lose its lock while still retrying, causing needless failovers`,
      fix: "keep loopWait + 2 × retryTimeout ≤ ttl (e.g. ttl 10, loopWait 2, retryTimeout 4)",
    });
  }
  issues.push(...releaseIssues(file));
  const { databaseReadWritePort, databaseReadOnlyPort, webPort } = file.services;
  if (new Set([databaseReadWritePort, databaseReadOnlyPort, webPort]).size !== 3) {
    issues.push({
      path: "services",
      message: `databaseReadWritePort ${databaseReadWritePort}, databaseReadOnlyPort ${databaseReadOnlyPort} and webPort ${webPort} must differ`,
      fix: "give each front-end listener its own port (defaults 5433, 5434, 80)",
    });
  }

  if (issues.length > 0) return { issues };
  return { topology: normalise(file, networks, holders, storageServers), issues };
}

/**
 * Connections PostgreSQL must keep for others than Odoo: its superuser reserve (3), Patroni (2 per
 * PostgreSQL node), and the lab's own sessions (the SQL workload keeps at most 8 idle per endpoint
 * plus those in flight; the probes keep one per PostgreSQL node).
 */
const RESERVED_CONNECTIONS = { superuser: 3, perPostgresNode: 2, lab: 24 } as const;

/** The connections of max_connections left to Odoo (and to a pooler's server side) once the others have theirs. */
export function applicationConnections(maxConnections: number, postgresNodes: number): number {
  return maxConnections - (RESERVED_CONNECTIONS.superuser + RESERVED_CONNECTIONS.perPostgresNode * postgresNodes + RESERVED_CONNECTIONS.lab);
}

/**
 * Every Odoo process has its own pool of up to db_maxconn connections: with workers (prefork), each
 * HTTP worker, each cron worker and the real-time (gevent) process; without (threaded), one process.
 * When they all fill their pools, as they do when a failover breaks every connection and each worker
 * reconnects, the sum must still fit in max_connections, or new connections fail with "too many
 * clients" on top of the failover.
 */
function connectionBudgetIssues(file: ParsedTopologyFile): TopologyIssue[] {
  const processes = Object.values(file.nodes)
    .filter((node) => node.roles.includes("odoo"))
    .reduce((sum, node) => {
      const workers = node.odoo?.workers ?? file.odoo.workers;
      const cron = node.odoo?.maxCronThreads ?? file.odoo.maxCronThreads;
      const http = node.odoo?.http ?? true;
      return sum + (workers === 0 ? 1 : (http ? workers + 1 : 0) + cron);
    }, 0);
  const postgresNodes = Object.values(file.nodes).filter((node) => node.roles.includes("postgresql")).length;
  const { maxConnections } = file.postgres;
  const reserved = maxConnections - applicationConnections(maxConnections, postgresNodes);
  const { dbMaxConn } = file.odoo;
  if (processes * dbMaxConn + reserved <= maxConnections) return [];
  const fitting = Math.floor((maxConnections - reserved) / Math.max(processes, 1));
  return [
    {
      path: "odoo.dbMaxConn",
      message: `${processes} Odoo processes × dbMaxConn ${dbMaxConn} = ${processes * dbMaxConn} connections, plus ${reserved} reserved (PostgreSQL, Patroni, the lab's own), exceed postgres.maxConnections ${maxConnections}`,
      fix: fitting >= 2 ? `lower odoo.dbMaxConn to ${fitting} or less, or raise postgres.maxConnections to ${processes * dbMaxConn + reserved}` : `raise postgres.maxConnections to ${processes * dbMaxConn + reserved}, or run fewer workers`,
    },
  ];
}

/** The least memory a node of each role runs in (measured: an Odoo node of the default lab ~330 MiB, PostgreSQL ~100 MiB). */
const MIN_MEMORY_MIB: Partial<Record<RoleName, number>> = { odoo: 512, postgresql: 256 };

function memoryIssues(name: string, node: ParsedTopologyFile["nodes"][string]): TopologyIssue[] {
  if (node.memoryMiB === undefined) return [];
  const needs = Math.max(0, ...node.roles.map((role) => MIN_MEMORY_MIB[role] ?? 0));
  if (node.memoryMiB >= needs) return [];
  const role = node.roles.find((candidate) => MIN_MEMORY_MIB[candidate] === needs)!;
  return [{ path: `nodes.${name}.memoryMiB`, message: `${node.memoryMiB} MiB is too little for a node with the '${role}' role (it needs at least ${needs} MiB)`, fix: `give it ${needs} or more, or leave memoryMiB out` }];
}

/** sshd: the SSH target reaches every machine there (a front-end listener on it would lock the lab out). */
const SSH_PORT = 22;

function checkPortClashes(file: ParsedTopologyFile, nodeName: string, roles: RoleName[], issues: TopologyIssue[]): void {
  const used = new Map<number, string>([[SSH_PORT, "sshd (how the SSH target reaches the machine)"]]);
  const claim = (port: number, owner: string): void => {
    const previous = used.get(port);
    if (previous) {
      issues.push({
        path: `nodes.${nodeName}.roles`,
        message: `port ${port} is wanted by both ${previous} and ${owner}`,
        fix: "move one of the roles to another node, or change the port under 'services'",
      });
    }
    used.set(port, owner);
  };
  for (const role of roles) {
    for (const { port, purpose } of ROLE_PORTS[role]) claim(port, `${purpose} (${role})`);
  }
  if (roles.includes("haproxy")) {
    claim(file.services.databaseReadWritePort, "the read-write database listener (haproxy)");
    claim(file.services.databaseReadOnlyPort, "the read-only database listener (haproxy)");
    claim(file.services.webPort, "the web listener (haproxy)");
  }
}

function normalise(file: ParsedTopologyFile, networks: CheckedNetworks, holders: string[], storageServers: string[]): Topology {
  const nodes: TopologyNode[] = Object.entries(file.nodes).map(([name, node]) => ({
    name,
    address: networks.interfaces.get(name)![0]!.address,
    interfaces: networks.interfaces.get(name)!,
    roles: node.roles,
    memoryMiB: node.memoryMiB,
    odoo: node.roles.includes("odoo")
      ? {
          workers: node.odoo?.workers ?? file.odoo.workers,
          maxCronThreads: node.odoo?.maxCronThreads ?? file.odoo.maxCronThreads,
          http: node.odoo?.http ?? true,
        }
      : undefined,
  }));
  return {
    name: file.name,
    description: file.description ?? "",
    release: file.release,
    networks: networks.networks,
    vip: { address: file.vip.address, network: networks.vipNetwork, routerId: file.vip.routerId, advertIntervalSeconds: file.vip.advertIntervalSeconds, holders },
    nodes,
    services: file.services,
    postgres: { ...file.postgres, version: RELEASES[file.release].postgresMajor },
    pgbouncer: { poolMode: file.pgbouncer?.poolMode ?? "session" },
    storage: { ...file.storage, servers: storageServers },
    odoo: {
      image: file.odoo.image,
      source: file.odoo.source,
      database: file.odoo.database,
      otherDatabases: file.odoo.otherDatabases,
      dbMaxConn: file.odoo.dbMaxConn,
      sessions: file.odoo.sessions,
      logDatabase: file.odoo.logDatabase === undefined ? undefined : { name: file.odoo.logDatabase, level: file.odoo.logDatabaseLevel },
    },
  };
}

/**
 * The balancers send SQL to a database node's pooler when it has one: every database node has one or
 * none, or which connections are pooled would change with the node that is primary.
 */
function poolerIssues(file: ParsedTopologyFile, postgres: string[], poolers: string[]): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  const without = postgres.filter((name) => !poolers.includes(name));
  if (poolers.length > 0 && without.length > 0) {
    issues.push({
      path: "nodes.*.roles",
      message: `${without.join(", ")} run PostgreSQL without the 'pgbouncer' role the other database nodes have: a failover would change whether connections are pooled`,
      fix: `add 'pgbouncer' to ${without.join(", ")}, or remove it from every node`,
    });
  }
  if (file.pgbouncer && poolers.length === 0) {
    issues.push({ path: "pgbouncer", message: "pgbouncer settings on a lab where no node has the 'pgbouncer' role", fix: "add 'pgbouncer' to the database nodes' roles, or remove the settings" });
  }
  return issues;
}

/** Each database of a multi-tenant server once, and none of them the lab's own. */
function otherDatabaseIssues(file: ParsedTopologyFile): TopologyIssue[] {
  const { database, otherDatabases } = file.odoo;
  return otherDatabases.flatMap((name, index) => {
    const path = `odoo.otherDatabases.${index}`;
    if (name === database) return [{ path, message: `'${name}' is odoo.database already`, fix: "list only the databases beside it" }];
    if (otherDatabases.indexOf(name) !== index) return [{ path, message: `'${name}' is listed twice`, fix: "list each database once" }];
    return [];
  });
}

/** The log database is a database of its own: Odoo would otherwise serve it, or write its logs into one it serves. */
function logDatabaseIssues(file: ParsedTopologyFile): TopologyIssue[] {
  const { logDatabase } = file.odoo;
  if (logDatabase === undefined || ![file.odoo.database, ...file.odoo.otherDatabases].includes(logDatabase)) return [];
  return [{ path: "odoo.logDatabase", message: `'${logDatabase}' is one of the databases Odoo serves`, fix: `name a database of its own, e.g. ${file.odoo.database}_logs` }];
}

/** Patroni's synchronous_mode: quorum came with 4.0. */
const QUORUM_SINCE = [4, 0, 0] as const;

/** What the release's packages would not run as asked: another PostgreSQL, or timing its Patroni would rewrite. */
function releaseIssues(file: ParsedTopologyFile): TopologyIssue[] {
  const release = RELEASES[file.release];
  const issues: TopologyIssue[] = [];
  if (file.postgres.version !== undefined && file.postgres.version !== release.postgresMajor) {
    issues.push({
      path: "postgres.version",
      message: `release ${file.release} ships PostgreSQL ${release.postgresMajor}, not ${file.postgres.version}`,
      fix: `remove postgres.version (it follows the release) or choose the release that ships PostgreSQL ${file.postgres.version} (${RELEASE_NAMES.filter((name) => RELEASES[name].postgresMajor === file.postgres.version).join(", ") || "none does"})`,
    });
  }
  for (const problem of patroniTimingProblems(release.patroni, file.postgres.patroni, `${file.release}'s Patroni ${release.patroni}`)) issues.push(problem);
  if (file.postgres.synchronous === "quorum") {
    if (!versionAtLeast(release.patroni, QUORUM_SINCE)) {
      issues.push({ path: "postgres.synchronous", message: `quorum commit needs Patroni ${QUORUM_SINCE.join(".")}; release ${file.release} ships ${release.patroni}`, fix: "set release: debian-13, or synchronous: true" });
    }
    const databases = Object.values(file.nodes).filter((node) => node.roles.includes("postgresql")).length;
    if (databases < 3) {
      issues.push({ path: "postgres.synchronous", message: `quorum commit among ${databases - 1} replica(s) is one synchronous standby by another name`, fix: "give a third node the postgresql role, or set synchronous: true" });
    }
  }
  return issues;
}
