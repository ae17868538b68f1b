import { PATHS } from "../../render/paths.ts";
import type { RoleModule } from "../role-module.ts";
import { convergeMonitor } from "./converge.ts";
import { monitorPlan } from "./plan.ts";

/**
 * Prometheus and Alertmanager (Debian's): the lab's monitoring, scraping what the other roles expose
 * without an exporter of their own (HAProxy's built-in one, Patroni's and etcd's /metrics). Its alerts
 * are those of alert-rules.ts; `lab status` lists those that fire. It starts last: it scrapes the rest.
 */
export const monitorRole: RoleModule = {
  name: "monitor",
  services: ["alertmanager", "prometheus"],
  plan: monitorPlan,
  debianPackages: () => ["prometheus", "prometheus-alertmanager"],
  machine: {
    // (its user, 'prometheus', comes with the packages)
    directories: [
      { path: PATHS.prometheusDataDir, owner: "prometheus" },
      { path: PATHS.alertmanagerDataDir, owner: "prometheus" },
    ],
    debianUnits: () => ["prometheus.service", "prometheus-alertmanager.service"],
  },
  steps: [{ name: "monitor", after: ["haproxy", "keepalived", "postgresql", "etcd", "node-exporter"], run: convergeMonitor }],
};
