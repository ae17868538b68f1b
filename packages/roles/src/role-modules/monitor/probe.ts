import { nodesWithRole, type Topology, type TopologyNode } from "@odoo-ha-lab/topology";
import type { Host } from "@odoo-ha-lab/machine";
import { PORTS } from "../../render/paths.ts";

/** An alert as Prometheus holds it: pending while its `for` runs, then firing. */
export interface LabAlert {
  /** The monitor node whose Prometheus holds it. */
  monitor: string;
  name: string;
  state: "pending" | "firing";
  /** The alert's labels but its name: which node, server or instance it is about. */
  labels: Record<string, string>;
  /** When its condition began to hold (ISO time, Prometheus's clock). */
  activeAt: string;
  summary: string;
}

/** What one monitor node's Prometheus says: its alerts, and its targets that do not answer. */
export interface MonitorView {
  monitor: string;
  reachable: boolean;
  alerts: LabAlert[];
  targetsDown: string[];
}

/** Prometheus's API on its own node: what `lab status`, `up` and the run's watch of a monitor node ask. */
const PROMETHEUS_API = `http://127.0.0.1:${PORTS.prometheus}/api/v1`;
export const PROMETHEUS_ALERTS_URL = `${PROMETHEUS_API}/alerts`;
export const PROMETHEUS_ALERTS_SECONDS = 1;
export const PROMETHEUS_ALERTS_COMMAND = ["curl", "-sf", "--max-time", String(PROMETHEUS_ALERTS_SECONDS), PROMETHEUS_ALERTS_URL];

/** Asks each monitor node's Prometheus on the node (one round trip per node: alerts and targets in one exec). */
export async function readMonitors(topology: Topology, hosts: ReadonlyMap<string, Host>): Promise<MonitorView[]> {
  return Promise.all(
    nodesWithRole(topology, "monitor").map(async (node): Promise<MonitorView> => {
      const host = hosts.get(node.name);
      const script = `curl -sf --max-time 2 ${PROMETHEUS_ALERTS_URL} && echo && curl -sf --max-time 2 '${PROMETHEUS_API}/targets?state=active'`;
      const result = host ? await host.exec(["sh", "-c", script], { timeoutMs: 5_000 + host.silentAfterMs }).catch(() => undefined) : undefined;
      if (!result || result.exitCode !== 0) return { monitor: node.name, reachable: false, alerts: [], targetsDown: [] };
      const [alerts = "", targets = ""] = result.stdout.trim().split("\n");
      return { monitor: node.name, reachable: true, alerts: parseAlerts(node.name, alerts), targetsDown: parseTargetsDown(targets) };
    }),
  );
}

interface PrometheusAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  state: string;
  activeAt: string;
}

/** Prometheus's /api/v1/alerts answer. */
export function parseAlerts(monitor: string, body: string): LabAlert[] {
  const alerts = (JSON.parse(body) as { data: { alerts: PrometheusAlert[] } }).data.alerts;
  return alerts
    .filter((alert) => alert.state === "pending" || alert.state === "firing")
    .map(({ labels: { alertname = "", ...labels }, annotations, state, activeAt }) => ({
      monitor,
      name: alertname,
      state: state as LabAlert["state"],
      labels,
      activeAt,
      summary: annotations?.summary ?? "",
    }));
}

/** Prometheus's /api/v1/targets answer: "job node" of each target whose last scrape failed. */
export function parseTargetsDown(body: string): string[] {
  const targets = (JSON.parse(body) as { data: { activeTargets: { labels: Record<string, string>; health: string }[] } }).data.activeTargets;
  return targets.filter((target) => target.health !== "up").map((target) => `${target.labels.job} ${target.labels.node ?? target.labels.instance}`);
}

/** An alert in one line: its name and what it is about. */
export function describeAlert(alert: Pick<LabAlert, "name" | "labels">): string {
  const about = alert.labels.node ?? alert.labels.server ?? alert.labels.instance;
  return about ? `${alert.name} (${about})` : alert.name;
}

/** A monitor node's alerts page, for a person (what `up` and `lab status` link to). */
export function prometheusAlertsPage(monitor: TopologyNode): string {
  return `http://${monitor.address}:${PORTS.prometheus}/alerts`;
}
