import { DEFAULT_CPU_HOG_SECONDS, DEFAULT_LEAVE_FREE_MIB } from "./fault-defaults.ts";
import type { FaultSpec } from "./fault-spec.ts";

/** One line for people: logs, reports, `lab heal` listings. */
export function describeFault(spec: FaultSpec): string {
  switch (spec.kind) {
    case "kill-node":
      return `kill node ${spec.node}`;
    case "stop-node":
      return `stop node ${spec.node}`;
    case "pause-node":
      return `pause node ${spec.node}`;
    case "stop-service":
      return `stop service ${spec.service} on ${spec.node}`;
    case "kill-service":
      return `kill service ${spec.service} on ${spec.node}`;
    case "partition": {
      const [first, second] = spec.groups;
      const arrow = spec.direction === "first-to-second" ? "->" : "|";
      return `partition [${first.join(", ")}] ${arrow} [${second.join(", ")}]${spec.direction === "first-to-second" ? " (one way)" : ""}`;
    }
    case "isolate":
      return `isolate ${spec.node}`;
    case "packet-loss":
      return `drop ${formatPercent(spec.probability)} of the packets of ${spec.node}`;
    case "latency":
      return `delay traffic from ${spec.node} to [${spec.peers.join(", ")}] by ${spec.delayMs} ms`;
    case "bandwidth":
      return `throttle ${spec.node} to ${spec.rateKbit} kbit/s (${spec.direction ?? "both"})`;
    case "fill-disk":
      return `fill the disk of ${spec.path} on ${spec.node} leaving ${spec.leaveFreeMiB ?? DEFAULT_LEAVE_FREE_MIB} MiB free`;
    case "drain-app-node":
      return `drain ${spec.node} in the load balancers`;
    case "cpu-hog":
      return `hog the CPU of ${spec.node} with ${spec.workers ?? "one worker per CPU"}${spec.workers ? " workers" : ""} for at most ${spec.seconds ?? DEFAULT_CPU_HOG_SECONDS} s`;
  }
}

function formatPercent(probability: number): string {
  return `${Number((probability * 100).toFixed(2))}%`;
}
