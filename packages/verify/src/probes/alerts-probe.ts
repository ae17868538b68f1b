import { describeAlert, parseAlerts } from "@odoo-ha-lab/roles";
import { nodesWithRole } from "@odoo-ha-lab/topology";
import type { ProbeContext } from "./probe-context.ts";
import type { ProbeAnswers } from "../history.ts";

/**
 * The alerts of every monitor node's Prometheus, asked on the node by its watch: an alert counts
 * when any monitor holds it. A sample fails when no monitor answers (what fired is then unknown).
 */
export async function probeAlerts(context: ProbeContext): Promise<ProbeAnswers["alerts"]> {
  const firing = new Set<string>();
  const pending = new Set<string>();
  let answered = 0;
  for (const monitor of nodesWithRole(context.topology, "monitor")) {
    const answer = (await context.watches.get(monitor.name)?.next(context.timeoutMs))?.get("alerts");
    if (answer?.exitCode !== 0) continue;
    let alerts;
    try {
      alerts = parseAlerts(monitor.name, answer.stdout);
    } catch {
      continue; // a reply cut short
    }
    answered++;
    for (const alert of alerts) (alert.state === "firing" ? firing : pending).add(describeAlert(alert));
  }
  if (answered === 0) throw new Error("no monitor node's Prometheus answered");
  return { firing: [...firing].sort(), pending: [...pending].filter((alert) => !firing.has(alert)).sort() };
}
