import { waitFor } from "@odoo-ha-lab/machine";
import { applyRoleEverywhere } from "../../converge/apply-plan.ts";
import { hostFor, timeout, type ConvergeContext } from "../../converge/context.ts";
import { PORTS } from "../../render/paths.ts";
import { pgbouncerPlan } from "./plan.ts";

/**
 * Starts PgBouncer on the database nodes. It needs nothing else running: it connects to PostgreSQL
 * only when a client comes, and the Odoo step's check through the VIP is the first to go through it.
 */
export async function convergePgbouncer(context: ConvergeContext): Promise<void> {
  const nodes = await applyRoleEverywhere(context, "pgbouncer", "pgbouncer", pgbouncerPlan);
  await Promise.all(
    nodes.map(async (node) => {
      const host = hostFor(context, node.name);
      await waitFor(
        `PgBouncer on ${node.name} to listen on ${PORTS.pgbouncer}`,
        async () => {
          const result = await host.exec(["pg_isready", "-q", "-h", "127.0.0.1", "-p", String(PORTS.pgbouncer)]);
          return result.exitCode === 0 ? { done: true, value: undefined } : { done: false, observation: `pg_isready exit ${result.exitCode}` };
        },
        { timeoutMs: timeout(context, 30) },
      );
    }),
  );
  if (nodes.length) context.progress({ stage: "pgbouncer", message: `${context.topology.pgbouncer.poolMode} pooling on ${nodes.map((node) => node.name).join(", ")}` });
}
