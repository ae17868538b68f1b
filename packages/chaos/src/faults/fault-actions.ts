import type { FaultSpec } from "../fault-spec.ts";
import { cpuHogAction } from "./cpu-hog.ts";
import { drainAppNodeAction } from "./drain-app-node.ts";
import type { FaultAction } from "./fault-action.ts";
import { fillDiskAction } from "./fill-disk.ts";
import { networkDropAction } from "./network-drop.ts";
import { nodePowerAction } from "./node-power.ts";
import { serviceAction } from "./service-faults.ts";
import { latencyAction } from "./latency.ts";
import { bandwidthAction } from "./bandwidth.ts";

/** The action that injects and heals a spec. */
export function faultAction(spec: FaultSpec): FaultAction {
  switch (spec.kind) {
    case "kill-node":
    case "stop-node":
    case "pause-node":
      return nodePowerAction(spec);
    case "stop-service":
    case "kill-service":
      return serviceAction(spec);
    case "partition":
    case "isolate":
    case "packet-loss":
      return networkDropAction(spec);
    case "latency":
      return latencyAction(spec);
    case "bandwidth":
      return bandwidthAction(spec);
    case "fill-disk":
      return fillDiskAction(spec);
    case "cpu-hog":
      return cpuHogAction(spec);
    case "drain-app-node":
      return drainAppNodeAction(spec);
  }
}
