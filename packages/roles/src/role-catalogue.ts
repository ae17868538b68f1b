import { postgresClientPackage, postgresPackages, type ReleaseName, type RoleName, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import type { StageName } from "./converge/converge.ts";
import { etcdPlan, filestoreServerPlan, haproxyPlan, keepalivedPlan, odooPlan, postgresqlPlan, type PlanContext, type RolePlan } from "./node-plan.ts";

/** One role, as every part of the lab needs it. */
export interface RoleEntry {
  /** Its services, in start order: status, logs and the chaos faults name services by these. */
  services: readonly string[];
  /** The converge stage that brings it up (converge/converge.ts runs the stages in order). */
  stage: StageName;
  /** What a node of this role runs: its files and services (pure; node-plan.ts). */
  plan(context: PlanContext): RolePlan;
  /** Its Debian packages on a release, for a machine that has none yet (the SSH target; the lab's images carry the same). */
  debianPackages(release: ReleaseName): readonly string[];
}

/**
 * Every role a node can play, in one place. The ports each role listens on are the topology's
 * (ROLE_PORTS), because the model checks clashes before anything is rendered. A new role is its
 * entry here and in topology's ROLE_NAMES and ROLE_PORTS, its renderers and plan, and its stage.
 */
export const ROLE_CATALOGUE: Record<RoleName, RoleEntry> = {
  haproxy: { services: ["haproxy"], stage: "loadbalancer", plan: haproxyPlan, debianPackages: () => ["haproxy"] },
  keepalived: { services: ["keepalived"], stage: "loadbalancer", plan: keepalivedPlan, debianPackages: () => ["keepalived"] },
  etcd: { services: ["etcd"], stage: "etcd", plan: etcdPlan, debianPackages: () => ["etcd-server", "etcd-client"] },
  // python3-etcd: Patroni's etcd3 backend is built on its etcd (v2) module.
  postgresql: { services: ["patroni"], stage: "postgresql", plan: postgresqlPlan, debianPackages: (release) => [...postgresPackages(release), "patroni", "python3-etcd"] },
  "filestore-server": { services: ["glusterd"], stage: "filestore", plan: filestoreServerPlan, debianPackages: () => ["glusterfs-server"] },
  // psql: the Odoo stage asks through the VIP whether the database exists.
  odoo: { services: ["filestore-client", "odoo"], stage: "odoo", plan: odooPlan, debianPackages: (release) => ["glusterfs-client", postgresClientPackage(release)] },
};

/** The services a node runs, in start order. */
export function planServices(_topology: Topology, node: TopologyNode): string[] {
  return node.roles.flatMap((role) => ROLE_CATALOGUE[role].services);
}
