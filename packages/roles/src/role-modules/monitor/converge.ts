import { waitFor } from "@odoo-ha-lab/machine";
import { applyRoleEverywhere } from "../../converge/apply-plan.ts";
import { timeout, type ConvergeContext } from "../../converge/context.ts";
import { monitorPlan } from "./plan.ts";
import { readMonitors } from "./probe.ts";

/**
 * Starts Prometheus and Alertmanager on the monitor nodes once what they scrape runs, and waits
 * until every target answers a scrape: a lab handed over with a target down would start its
 * scenarios with an alert already on its way.
 */
export async function convergeMonitor(context: ConvergeContext): Promise<void> {
  const nodes = await applyRoleEverywhere(context, "monitor", "monitor", monitorPlan);
  if (!nodes.length) return;
  await waitFor(
    `Prometheus on ${nodes.map((node) => node.name).join(", ")} to scrape every target`,
    async () => {
      const views = await readMonitors(context.topology, context.hosts);
      const waiting = views.flatMap((view) => (view.reachable ? view.targetsDown.map((target) => `${view.monitor}: ${target} down`) : [`${view.monitor}: Prometheus not answering`]));
      return waiting.length ? { done: false, observation: waiting.join("; ") } : { done: true, value: undefined };
    },
    { timeoutMs: timeout(context, 60) },
  );
  context.progress({ stage: "monitor", message: `every target scraped on ${nodes.map((node) => node.name).join(", ")}` });
}
