import { findNode, nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import { PATHS } from "../../render/paths.ts";
import { VIP_HELD_METRIC } from "../keepalived/render.ts";

/**
 * The lab's alerts: one per thing a scenario breaks, each from what the lab already exposes (HAProxy's
 * built-in exporter, Patroni's and etcd's /metrics, HAProxy asked through the VIP). Prometheus scrapes
 * every second and evaluates every second; a `for` of 2 s keeps one slow scrape from firing an alert,
 * so an alert fires 2–4 s after its cause is visible in a scrape (scrape, `for`, evaluation).
 */
export interface AlertRule {
  name: string;
  expr: string;
  /** How long the condition must hold before the alert fires (Prometheus's `for`). */
  forSeconds: number;
  summary: string;
}

/** 16 MiB of WAL: a replica this far behind replays for seconds after a failover before it serves. */
const LAG_BYTES = 16 * 1024 * 1024;
const HOLD_SECONDS = 2;

export const ODOO_HTTP_BACKEND = "odoo_http";

export function alertRules(topology: Topology): AlertRule[] {
  const rules: AlertRule[] = [
    { name: "PatroniPrimaryMissing", expr: "(sum(patroni_primary) or vector(0)) < 1", forSeconds: HOLD_SECONDS, summary: "no Patroni member runs as primary: writes fail" },
    { name: "PatroniTwoPrimaries", expr: "sum(patroni_primary) > 1", forSeconds: HOLD_SECONDS, summary: "two Patroni members run as primary (split brain)" },
    { name: "PatroniMemberDown", expr: 'up{job="patroni"} == 0', forSeconds: HOLD_SECONDS, summary: "a database node's Patroni does not answer" },
    {
      name: "ReplicationLagHigh",
      expr: `((scalar(max(patroni_xlog_location)) - patroni_xlog_replayed_location) > ${LAG_BYTES}) and on(instance) (patroni_replica == 1)`,
      forSeconds: 10,
      summary: "a replica has replayed more than 16 MiB less WAL than the primary wrote",
    },
    { name: "EtcdMemberDown", expr: 'up{job="etcd"} == 0', forSeconds: HOLD_SECONDS, summary: "an etcd member does not answer" },
    { name: "EtcdNoLeader", expr: "etcd_server_has_leader == 0", forSeconds: HOLD_SECONDS, summary: "an etcd member sees no leader: Patroni cannot renew its lock there" },
    { name: "BalancerDown", expr: 'up{job="haproxy"} == 0', forSeconds: HOLD_SECONDS, summary: "a balancer's HAProxy does not answer" },
    { name: "VipUnanswered", expr: 'up{job="vip"} == 0', forSeconds: HOLD_SECONDS, summary: "no balancer answers at the virtual IP" },
    {
      name: "OdooNodeDown",
      // Each balancer's own view: the node is down once no balancer still sees it up (a lost balancer says nothing).
      expr: `max by (server) (haproxy_server_status{job="haproxy",proxy="${ODOO_HTTP_BACKEND}",server!~".*-failopen",state="UP"}) == 0`,
      forSeconds: HOLD_SECONDS,
      summary: "no balancer has this app node in service",
    },
  ];
  // The filestore as each app node with a node exporter sees it: its mount reports an error or is
  // stuck (a statfs past the exporter's mount timeout), or is not mounted at all.
  const watched = nodesWithRole(topology, "odoo").filter((node) => node.roles.includes("node-exporter"));
  if (watched.length) {
    const mount = `job="node",mountpoint="${PATHS.odooDataDir}"`;
    rules.push({
      name: "FilestoreUnavailable",
      expr: `node_filesystem_device_error{${mount}} == 1 or on(node) (up{job="node",node=~"${watched.map((node) => node.name).join("|")}"} == 1 unless on(node) node_filesystem_device_error{${mount}})`,
      forSeconds: HOLD_SECONDS,
      summary: "an app node's shared filestore is unmounted or does not answer: uploads and downloads fail there",
    });
  }
  // The VIP's holders as their own keepalived says (its state script, through their node exporters):
  // both at once is a split brain, which the VIP's address alone cannot show from outside.
  if (topology.vip.holders.every((holder) => findNode(topology, holder).roles.includes("node-exporter"))) {
    rules.push({ name: "VipHeldTwice", expr: `sum(${VIP_HELD_METRIC}) > 1`, forSeconds: HOLD_SECONDS, summary: "two balancers hold the virtual IP at once (split brain): clients reach either" });
  }
  if (topology.postgres.synchronous) {
    rules.push({ name: "SynchronousStandbyMissing", expr: "(sum(patroni_sync_standby) or vector(0)) < 1", forSeconds: HOLD_SECONDS, summary: "no replica is synchronous: the primary acknowledges commits that no replica holds yet (synchronous_mode is not strict)" });
  }
  return rules;
}
