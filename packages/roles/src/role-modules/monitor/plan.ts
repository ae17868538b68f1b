import type { PlanContext, RolePlan } from "../../node-plan.ts";
import { PATHS, PORTS } from "../../render/paths.ts";
import { renderAlertmanagerConfig, renderAlertRules, renderPrometheusConfig } from "./render.ts";

export function monitorPlan({ topology, node }: PlanContext): RolePlan {
  return {
    prepare: [],
    files: [
      { path: PATHS.prometheusConfig, content: renderPrometheusConfig(topology, node), mode: 0o644 },
      { path: PATHS.prometheusRules, content: renderAlertRules(topology), mode: 0o644 },
      { path: PATHS.alertmanagerConfig, content: renderAlertmanagerConfig(), mode: 0o644 },
    ],
    // Both re-read their files on SIGHUP: a changed target or rule keeps the series and the alerts' state.
    services: [
      {
        name: "alertmanager",
        command: [
          "prometheus-alertmanager",
          `--config.file=${PATHS.alertmanagerConfig}`,
          `--storage.path=${PATHS.alertmanagerDataDir}`,
          `--web.listen-address=0.0.0.0:${PORTS.alertmanager}`,
          // One Alertmanager per monitor node, not a gossip cluster: no peer port to open.
          "--cluster.listen-address=",
        ],
        user: "prometheus",
        stopTimeoutSeconds: 5,
        reloadSignal: "HUP",
      },
      {
        name: "prometheus",
        command: [
          "prometheus",
          `--config.file=${PATHS.prometheusConfig}`,
          `--storage.tsdb.path=${PATHS.prometheusDataDir}`,
          // A lab lives hours, not weeks.
          "--storage.tsdb.retention.time=2d",
          `--web.listen-address=0.0.0.0:${PORTS.prometheus}`,
          "--log.level=warn",
        ],
        user: "prometheus",
        stopTimeoutSeconds: 10,
        reloadSignal: "HUP",
      },
    ],
  };
}
