import { waitFor } from "@odoo-ha-lab/machine";
import { applyRoleEverywhere } from "../../converge/apply-plan.ts";
import { hostFor, timeout, type ConvergeContext } from "../../converge/context.ts";
import { PORTS } from "../../render/paths.ts";
import { nodeExporterPlan } from "./plan.ts";

/** Starts the node exporter where the topology puts one, and waits until it answers on its port. */
export async function convergeNodeExporter(context: ConvergeContext): Promise<void> {
  const nodes = await applyRoleEverywhere(context, "node-exporter", "node-exporter", nodeExporterPlan);
  await Promise.all(
    nodes.map((node) =>
      waitFor(
        `the node exporter on ${node.name} to answer on ${PORTS.nodeExporter}`,
        async () => {
          const result = await hostFor(context, node.name).exec(["curl", "-sf", "-o", "/dev/null", "--max-time", "2", `http://127.0.0.1:${PORTS.nodeExporter}/metrics`]);
          return result.exitCode === 0 ? { done: true, value: undefined } : { done: false, observation: `curl exit ${result.exitCode}` };
        },
        { timeoutMs: timeout(context, 30) },
      ),
    ),
  );
}
