import { stringify } from "yaml";
import { addressFor, nodesWithRole, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import { PATHS, PORTS } from "../../render/paths.ts";
import { alertRules } from "./alert-rules.ts";

/** Every second: a lab's faults play out in seconds, and an alert's delay is what a scenario budgets. */
const SCRAPE_SECONDS = 1;

/**
 * prometheus.yml for a monitor node: each balancer's HAProxy (its built-in exporter on the stats
 * port), HAProxy once more through the VIP (answered while a balancer holds it), Patroni's and etcd's
 * own /metrics, the node exporters, and the node's Alertmanager. Each target carries its node's name as `node`.
 */
export function renderPrometheusConfig(topology: Topology, monitor: TopologyNode): string {
  const job = (name: string, role: "haproxy" | "postgresql" | "etcd" | "node-exporter", port: number, params?: Record<string, string[]>) => ({
    job_name: name,
    ...(params ? { params } : {}),
    static_configs: nodesWithRole(topology, role).map((node) => ({ targets: [`${addressFor(node, monitor)}:${port}`], labels: { node: node.name } })),
  });
  return stringify({
    global: { scrape_interval: `${SCRAPE_SECONDS}s`, scrape_timeout: `${SCRAPE_SECONDS}s`, evaluation_interval: `${SCRAPE_SECONDS}s`, external_labels: { lab: topology.name } },
    rule_files: [PATHS.prometheusRules],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${PORTS.alertmanager}`] }] }] },
    scrape_configs: [
      // Its servers' states (what the alerts read) and its frontends' traffic (what a person charts);
      // not its backends' and global figures: a third fewer series to parse every second on 2 cores.
      job("haproxy", "haproxy", PORTS.haproxyStats, { scope: ["server", "frontend"] }),
      // Whether the VIP answers at all: HAProxy's global figures alone (each balancer's own job has the rest).
      { job_name: "vip", params: { scope: ["global"] }, static_configs: [{ targets: [`${topology.vip.address}:${PORTS.haproxyStats}`], labels: { node: "vip" } }] },
      job("patroni", "postgresql", PORTS.patroniRest),
      job("etcd", "etcd", PORTS.etcdClient),
      job("node", "node-exporter", PORTS.nodeExporter),
      { job_name: "alertmanager", static_configs: [{ targets: [`127.0.0.1:${PORTS.alertmanager}`], labels: { node: monitor.name } }] },
    ],
  });
}

export function renderAlertRules(topology: Topology): string {
  return stringify({
    groups: [
      {
        name: "odoo-ha-lab",
        rules: alertRules(topology).map((rule) => ({ alert: rule.name, expr: rule.expr, for: `${rule.forSeconds}s`, annotations: { summary: rule.summary } })),
      },
    ],
  });
}

/**
 * alertmanager.yml: every alert to one receiver with no integration (the lab reads alerts from
 * Prometheus's API; a team adds its own receiver here). A resolved alert is sent too.
 */
export function renderAlertmanagerConfig(): string {
  return stringify({
    route: { receiver: "lab", group_by: ["alertname"], group_wait: "1s", group_interval: "5s", repeat_interval: "1h" },
    receivers: [{ name: "lab" }],
  });
}
