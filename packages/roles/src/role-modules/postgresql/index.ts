import { PATHS } from "../../render/paths.ts";
import { postgresPackages } from "@odoo-ha-lab/topology";
import type { RoleModule } from "../role-module.ts";
import { convergePostgresql, convergeReplication } from "./converge.ts";
import { postgresqlPlan } from "./plan.ts";

/**
 * PostgreSQL run by Patroni: a writable leader as soon as etcd holds a quorum; the replicas catch
 * up while the rest of the lab comes up.
 */
export const postgresqlRole: RoleModule = {
  name: "postgresql",
  services: ["patroni"],
  plan: postgresqlPlan,
  // python3-etcd: Patroni's etcd3 backend is built on its etcd (v2) module.
  debianPackages: (release) => [...postgresPackages(release), "patroni", "python3-etcd"],
  machine: {
    // (its user, 'postgres', comes with Debian's postgresql-common)
    directories: [{ path: "/etc/patroni" }, { path: PATHS.postgresDataDir, owner: "postgres", mode: "0700" }],
    runtimeDirectories: [{ path: "/run/postgresql", owner: "postgres", mode: "2775" }],
    debianUnits: (topology) => ["postgresql.service", `postgresql@${topology.postgres.version}-main.service`, "patroni.service"],
    durableFolders: [{ name: "pgdata", path: PATHS.postgresDataDir }],
  },
  steps: [
    { name: "postgresql", after: ["etcd"], run: convergePostgresql },
    { name: "replication", after: ["postgresql"], run: convergeReplication },
  ],
};
