import { describeAlert, isSynchronousStandby, type LabStatus, type StatusPart } from "@odoo-ha-lab/roles";
import type { Condition } from "./scenario-schema.ts";

/** What the method remembered when it began, so "new-primary" and "vip-moved" mean something. */
export interface MethodBaseline {
  primary: string | undefined;
  vipHolder: string | undefined;
  /** Synchronous mode: Patroni promotes only the sync standby, so the steady state needs one. */
  synchronous?: boolean | "quorum";
}

export function currentPrimary(status: LabStatus): string | undefined {
  const leaders = status.patroni.filter((member) => member.role === "leader" && member.state === "running");
  return leaders.length === 1 ? leaders[0]!.name : undefined;
}

/** The parts of the lab status each condition reads: nothing else is asked of the nodes. */
export const CONDITION_PARTS: Record<Condition, StatusPart[]> = {
  "single-primary": ["patroni"],
  "new-primary": ["patroni"],
  "replicas-streaming": ["patroni"],
  "vip-held": ["vip"],
  "vip-moved": ["vip"],
  "odoo-healthy": ["odoo"],
  "storage-mounted": ["storage"],
  "no-alerts": ["alerts"],
};

/** Undefined when the condition holds, else what is wrong (for the timeout message). */
export function conditionProblem(condition: Condition, status: LabStatus, baseline: MethodBaseline): string | undefined {
  const primary = currentPrimary(status);
  switch (condition) {
    case "single-primary":
      return primary ? undefined : `Patroni reports no single running leader: ${JSON.stringify(status.patroni.map((m) => `${m.name}:${m.role}/${m.state}`))}`;
    case "new-primary":
      return primary && primary !== baseline.primary ? undefined : `leader is still ${primary ?? "none"} (was ${baseline.primary})`;
    case "replicas-streaming": {
      const replicas = status.patroni.filter((member) => member.role !== "leader");
      const lagging = replicas.filter((member) => !["running", "streaming"].includes(member.state) || member.lagBytes === undefined);
      const noSyncStandby = Boolean(baseline.synchronous) && !replicas.some(isSynchronousStandby);
      return replicas.length > 0 && lagging.length === 0 && !noSyncStandby
        ? undefined
        : `replicas not streaming${noSyncStandby ? " (no synchronous standby: nothing Patroni may promote)" : ""}: ${JSON.stringify(status.patroni.map((m) => `${m.name}:${m.role}/${m.state}/lag ${m.lagBytes}`))}`;
    }
    case "vip-held":
      return status.vip.holders.length === 1 ? undefined : `VIP holders: [${status.vip.holders.join(", ")}]`;
    case "vip-moved":
      return status.vip.holders.length === 1 && status.vip.holders[0] !== baseline.vipHolder ? undefined : `VIP holders: [${status.vip.holders.join(", ")}] (was ${baseline.vipHolder})`;
    case "odoo-healthy": {
      const sick = status.odoo.filter((node) => !node.healthy);
      return sick.length === 0 ? undefined : `unhealthy Odoo: ${sick.map((node) => `${node.node} (${node.detail})`).join(", ")}`;
    }
    case "storage-mounted": {
      const broken = status.storage.filter((node) => !node.mounted || !node.responsive);
      return broken.length === 0 ? undefined : `filestore not usable on: ${broken.map((node) => node.node).join(", ")}`;
    }
    case "no-alerts": {
      if (status.monitors.length === 0) return "the lab has no monitor node to ask";
      const problems = status.monitors.flatMap((view) => (view.reachable ? view.alerts.map((alert) => `${describeAlert(alert)} ${alert.state} on ${view.monitor}`) : [`Prometheus on ${view.monitor} does not answer`]));
      return problems.length === 0 ? undefined : `alerts: ${problems.join(", ")}`;
    }
  }
}

