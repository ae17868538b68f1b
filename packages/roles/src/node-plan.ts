import type { Topology, TopologyNode } from "@odoo-ha-lab/topology";
import type { FileSpec, ServiceDefinition } from "@odoo-ha-lab/machine";
import type { LabSecrets } from "./secrets.ts";
import { renderEtcdConfig } from "./render/etcd.ts";
import { filestoreClientCommand } from "./render/glusterfs.ts";
import { renderHaproxyConfig } from "./render/haproxy.ts";
import { renderKeepalivedCheckScript, renderKeepalivedConfig, renderKeepalivedLeaveScript } from "./render/keepalived.ts";
import { labOdooAddonFiles } from "./odoo-lab-addon.ts";
import { renderOdooConfig } from "./render/odoo-conf.ts";
import { PATHS } from "./render/paths.ts";
import { renderPatroniConfig } from "./render/patroni.ts";
import { ODOO_PG_SERVICE, renderOdooPgService } from "./render/tcp-keepalives.ts";

/**
 * What one node runs, per role: the files it needs and the services that use them. Pure: the same
 * plan is converged onto a container, an SSH host or a VM.
 */
export interface RolePlan {
  files: FileSpec[];
  services: ServiceDefinition[];
  /** Commands that prepare directories before the services start (idempotent). */
  prepare: string[][];
}

export interface PlanContext {
  topology: Topology;
  node: TopologyNode;
  secrets: LabSecrets;
  interfaceName: string;
}

export function etcdPlan({ topology, node }: PlanContext): RolePlan {
  return {
    prepare: [["install", "-d", "-o", "etcd", "-g", "etcd", "-m", "0700", PATHS.etcdDataDir]],
    files: [{ path: PATHS.etcdConfig, content: renderEtcdConfig(topology, node), mode: 0o644 }],
    services: [{ name: "etcd", command: ["etcd", "--config-file", PATHS.etcdConfig], user: "etcd", stopTimeoutSeconds: 10 }],
  };
}

export function postgresqlPlan({ topology, node, secrets }: PlanContext): RolePlan {
  return {
    prepare: [["install", "-d", "-o", "postgres", "-g", "postgres", "-m", "0700", PATHS.postgresDataDir]],
    files: [{ path: PATHS.patroniConfig, content: renderPatroniConfig(topology, node, secrets), mode: 0o600, owner: "postgres" }],
    services: [
      {
        name: "patroni",
        command: ["patroni", PATHS.patroniConfig],
        user: "postgres",
        // Patroni stops PostgreSQL on SIGINT/TERM; give it time to do so cleanly.
        stopTimeoutSeconds: 30,
        stopSignal: "INT",
        // Patroni re-reads patroni.yml (and applies pg_hba/parameters) on SIGHUP.
        reloadSignal: "HUP",
      },
    ],
  };
}

export function filestoreServerPlan({ topology }: PlanContext): RolePlan {
  return {
    prepare: [["install", "-d", "-m", "0755", `${PATHS.glusterBrickRoot}/${topology.storage.volume}`]],
    files: [],
    services: [{ name: "glusterd", command: ["glusterd", "--no-daemon", "--log-file=-"], stopTimeoutSeconds: 10 }],
  };
}

export function haproxyPlan({ topology }: PlanContext): RolePlan {
  return {
    prepare: [],
    files: [{ path: PATHS.haproxyConfig, content: renderHaproxyConfig(topology), mode: 0o644 }],
    // -W (master-worker): SIGUSR2 starts new workers on the new config while old ones finish their sessions.
    services: [{ name: "haproxy", command: ["haproxy", "-W", "-db", "-f", PATHS.haproxyConfig], stopTimeoutSeconds: 5, reloadSignal: "USR2" }],
  };
}

export function keepalivedPlan({ topology, node, interfaceName }: PlanContext): RolePlan {
  return {
    prepare: [],
    files: [
      { path: PATHS.keepalivedCheckScript, content: renderKeepalivedCheckScript(), mode: 0o755 },
      { path: PATHS.keepalivedLeaveScript, content: renderKeepalivedLeaveScript(), mode: 0o755 },
      { path: PATHS.keepalivedConfig, content: renderKeepalivedConfig(topology, node, interfaceName), mode: 0o644 },
    ],
    services: [
      {
        name: "keepalived",
        command: ["keepalived", "--dont-fork", "--log-console", "--use-file", PATHS.keepalivedConfig, "--pid", "/run/lab/keepalived.pid", "--vrrp_pid", "/run/lab/keepalived-vrrp.pid", "--checkers_pid", "/run/lab/keepalived-checkers.pid"],
        stopTimeoutSeconds: 5,
        reloadSignal: "HUP",
      },
    ],
  };
}

/** libpq's connect_timeout for Odoo's database connections (2 s is the least libpq honours). */
export const ODOO_DB_CONNECT_TIMEOUT_SECONDS = 2;

/** The FUSE mount of the shared filestore, then the Odoo server that waits for it. */
export function odooPlan({ topology, node, secrets }: PlanContext): RolePlan {
  return {
    prepare: [["install", "-d", "-m", "0755", PATHS.odooDataDir]],
    files: [
      { path: PATHS.odooConfig, content: renderOdooConfig(topology, node, secrets), mode: 0o640, owner: "odoo" },
      { path: PATHS.odooPgService, content: renderOdooPgService(), mode: 0o644 },
      ...labOdooAddonFiles(),
    ],
    services: [
      // The FUSE mount reads none of odoo.conf: an Odoo config change must not remount the filestore.
      { name: "filestore-client", command: filestoreClientCommand(topology), stopTimeoutSeconds: 5, readsRoleFiles: false },
      {
        name: "odoo",
        command: ["/usr/local/bin/lab-wait-mount", PATHS.odooDataDir, "--", "odoo", "-c", PATHS.odooConfig],
        user: "odoo",
        // libpq waits for a connection without end by default; a worker waiting on a database that is
        // failing over serves nobody else, not even the balancers' health checks.
        // ODOO_PGAPPNAME: each connection says which node and process it comes from (pg_stat_activity,
        // and the lab's cron run markers). PGSERVICE: TCP keepalives (see renderOdooPgService).
        environment: {
          HOME: PATHS.odooDataDir,
          PGCONNECT_TIMEOUT: String(ODOO_DB_CONNECT_TIMEOUT_SECONDS),
          ODOO_PGAPPNAME: `odoo-${node.name}-{pid}`,
          PGSERVICEFILE: PATHS.odooPgService,
          PGSERVICE: ODOO_PG_SERVICE,
        },
        stopTimeoutSeconds: 15,
        stopsItsChildren: true,
      },
    ],
  };
}
