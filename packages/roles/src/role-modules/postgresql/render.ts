import { stringify } from "yaml";
import { addressOn, groupNetwork, ROLE_GROUPS, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import type { LabSecrets } from "../../secrets.ts";
import { etcdEndpoints } from "../etcd/render.ts";
import { PATHS, PORTS, postgresBinDir } from "../../render/paths.ts";
import { TCP_KEEPALIVES } from "../../render/tcp-keepalives.ts";
import { PATRONI_REST_USER } from "./probe.ts";

/**
 * patroni.yml for one PostgreSQL node. Knobs follow what was measured on this kind of machine:
 * ttl/loop_wait/retry_timeout from the topology, pg_rewind so an old primary can rejoin, replication
 * slots, and synchronous mode (not strict) for zero acknowledged-write loss.
 */
export function renderPatroniConfig(topology: Topology, node: TopologyNode, secrets: LabSecrets): string {
  // Only the lab networks the node joins get in, and only with SCRAM; replication only from the
  // database nodes' own network.
  const joined = topology.networks.filter((network) => addressOn(node, network.name) !== undefined).map((network) => network.subnet);
  const replicationSubnet = topology.networks.find((network) => network.name === groupNetwork(topology, ROLE_GROUPS.postgresql))!.subnet;
  // Patroni advertises one address, where the other database nodes (replication, its REST API) reach it.
  const address = addressOn(node, groupNetwork(topology, ROLE_GROUPS.postgresql))!;
  const hba = [
    "local all postgres peer",
    "local all all scram-sha-256",
    `host replication replicator ${replicationSubnet} scram-sha-256`,
    // Patroni's REST API asks its own node for timeline and LSN over a replication connection.
    "host replication replicator 127.0.0.1/32 scram-sha-256",
    ...joined.map((subnet) => `host all all ${subnet} scram-sha-256`),
    "host all all 127.0.0.1/32 scram-sha-256",
  ];
  return stringify({
    scope: topology.name,
    namespace: "/odoo-ha-lab/",
    name: node.name,
    log: { level: "INFO", format: "%(asctime)s %(levelname)s: %(message)s" },
    restapi: {
      listen: `0.0.0.0:${PORTS.patroniRest}`,
      connect_address: `${address}:${PORTS.patroniRest}`,
      // Only unsafe endpoints (switchover, restart, reinitialize) ask for it; health checks stay open.
      authentication: { username: PATRONI_REST_USER, password: secrets.patroniRestPassword },
    },
    etcd3: { hosts: etcdEndpoints(topology) },
    bootstrap: {
      dcs: {
        ...patroniDynamicSettings(topology),
        postgresql: {
          use_pg_rewind: true,
          use_slots: true,
          parameters: {
            wal_level: "replica",
            hot_standby: "on",
            wal_log_hints: "on",
            max_wal_senders: 10,
            max_replication_slots: 10,
            wal_keep_size: "256MB",
            password_encryption: "scram-sha-256",
            max_connections: topology.postgres.maxConnections,
          },
        },
      },
      // Patroni 3.0's validator insists on it; the same rules as postgresql.pg_hba below.
      pg_hba: hba,
      initdb: [{ encoding: "UTF8" }, { locale: "C.UTF-8" }, "data-checksums", { "auth-local": "peer" }, { "auth-host": "scram-sha-256" }],
    },
    postgresql: {
      listen: `0.0.0.0:${PORTS.postgres}`,
      connect_address: `${address}:${PORTS.postgres}`,
      data_dir: PATHS.postgresDataDir,
      bin_dir: postgresBinDir(topology.postgres.version),
      pgpass: "/var/lib/postgresql/.pgpass.patroni",
      use_unix_socket: true,
      authentication: {
        superuser: { username: "postgres", password: secrets.postgresSuperuserPassword },
        replication: { username: "replicator", password: secrets.replicationPassword },
        rewind: { username: "rewinder", password: secrets.rewindPassword },
      },
      // Keepalives reap a session whose balancer vanished (powered off, cut off) within ~20 s instead
      // of the kernel's 2 h: until then its open transaction would keep its locks.
      parameters: {
        unix_socket_directories: "/var/run/postgresql",
        tcp_keepalives_idle: TCP_KEEPALIVES.idleSeconds,
        tcp_keepalives_interval: TCP_KEEPALIVES.intervalSeconds,
        tcp_keepalives_count: TCP_KEEPALIVES.count,
        // A crashed PostgreSQL's restart (crash-postgres-primary) is its crash recovery: it syncs the
        // data directory, replays the WAL since the last checkpoint and writes an end-of-recovery
        // checkpoint. One syncfs() instead of an fsync per file (a restored Odoo database is
        // thousands: 0.84 s measured), and a checkpoint at least every 30 s instead of 5 min (1.4 s
        // of redo and 0.7 s of checkpoint after 3.5 min of the workload's writes), keep it short.
        recovery_init_sync_method: "syncfs",
        checkpoint_timeout: "30s",
        // With synchronous_mode, a primary's commits wait for its sync standby: after the primary
        // restarts, until the standby streams from it again or Patroni, in a later loop, drops it
        // from synchronous_standby_names. A standby whose primary went away asks again only every
        // wal_retrieve_retry_interval, 5 s by default: crash-postgres-primary's writes waited out
        // that 5 s (standby back 5.6 s after the primary's restart, writes back only when Patroni
        // relaxed sync, 2.4 s after it). Asking every 500 ms costs a refused connection each time.
        wal_retrieve_retry_interval: "500ms",
      },
      pg_hba: hba,
      // A new replica's pg_basebackup starts with a checkpoint on the primary, "spread" by default:
      // paced to end at checkpoint_completion_target (0.9) of checkpoint_timeout (5 min) whatever
      // little there is to write. A replica created while the new lab's database was restored
      // waited that out (2 min and more: the quorum lab's third node); "fast" writes it at once.
      basebackup: [{ checkpoint: "fast" }],
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  });
}

/**
 * Patroni's cluster-wide settings that live in the DCS (`/config`), not in patroni.yml: bootstrap
 * writes them once, and converge brings a running cluster back to them (see convergePostgresql).
 */
export function patroniDynamicSettings(topology: Topology): Record<string, number | boolean | string> {
  const { patroni, synchronous } = topology.postgres;
  return {
    ttl: patroni.ttl,
    loop_wait: patroni.loopWait,
    retry_timeout: patroni.retryTimeout,
    maximum_lag_on_failover: patroni.maximumLagOnFailoverBytes,
    synchronous_mode: synchronous,
    synchronous_mode_strict: false,
    // Off, on purpose (measured). With a 5 s ttl the primary has 2 s (retry_timeout) to renew its lock,
    // and an etcd election after losing a node can take that long on a loaded machine: the primary is
    // then demoted for ~2 s (seen once in CI). Failsafe mode would keep it primary while it reaches the
    // replica's REST API, but etcd runs on the load balancers here: cut off from lb1, lb2 and odoo2
    // while still reaching postgresql2, it stayed primary behind HAProxies that could not reach it, and
    // writes were out for the whole partition (21 s) instead of failing over in ~8 s.
    failsafe_mode: false,
  };
}
