import type { PlanContext, RolePlan } from "../../node-plan.ts";
import { PATHS, PORTS } from "../../render/paths.ts";

/**
 * How long the exporter waits on one filesystem's statfs before it reports the mount stuck
 * (`node_filesystem_device_error` 1) and answers without it: under the monitor's 1 s scrape timeout,
 * so a filestore whose brick is gone (a FUSE statfs hangs until GlusterFS's ping timeout) shows as
 * an error in that scrape instead of failing the whole scrape.
 */
const MOUNT_TIMEOUT = "500ms";

export function nodeExporterPlan(_context: PlanContext): RolePlan {
  return {
    prepare: [],
    files: [],
    services: [
      {
        name: "node-exporter",
        command: [
          "prometheus-node-exporter",
          `--web.listen-address=0.0.0.0:${PORTS.nodeExporter}`,
          // Only what a node tells of itself: in a container, the CPU, memory and network collectors
          // would report the Docker host's kernel, the same for every node, and cost every scrape.
          "--collector.disable-defaults",
          "--collector.filesystem",
          `--collector.filesystem.mount-timeout=${MOUNT_TIMEOUT}`,
          "--collector.textfile",
          `--collector.textfile.directory=${PATHS.nodeExporterTextfiles}`,
          "--log.level=warn",
        ],
        user: "prometheus",
        stopTimeoutSeconds: 5,
        readsRoleFiles: false,
      },
    ],
  };
}
