import { nodesWithRole, type RoleName, type TopologyNode } from "@odoo-ha-lab/topology";
import { run, writeFilesOf, type Host } from "@odoo-ha-lab/machine";
import type { PlanContext, RolePlan } from "../node-plan.ts";
import { hostFor, type ConvergeContext } from "./context.ts";

/**
 * Converges one role onto one host: prepare directories, write files, apply services. A service
 * whose definition is unchanged but whose files changed is restarted, so a config edit takes effect.
 * Returns what changed, for "nothing to do" reports.
 */
export async function applyPlan(host: Host, plan: RolePlan): Promise<string[]> {
  for (const command of plan.prepare) await run(host, command);
  const files = await writePlanFiles(host, plan);
  return [...files, ...(await applyServices(host, plan.services, files.length > 0))];
}

/** Writes the plan's files; returns one "wrote …" line per file that changed. */
export async function writePlanFiles(host: Host, plan: Pick<RolePlan, "files">): Promise<string[]> {
  const changed = await writeFilesOf(host, plan.files);
  return plan.files.filter((_, index) => changed[index]).map((file) => `wrote ${file.path}`);
}

/** Applies service definitions; when their files changed, a service that was already running is reloaded or restarted. */
export async function applyServices(host: Host, services: RolePlan["services"], filesChanged: boolean): Promise<string[]> {
  const changes: string[] = [];
  for (const service of services) {
    const affected = filesChanged && service.readsRoleFiles !== false;
    if (await host.services.apply(service)) {
      changes.push(`started ${service.name}`);
    } else if (affected && service.reloadSignal) {
      // A reload keeps the service up: restarting Patroni would stop PostgreSQL (and maybe fail over).
      await host.services.reload(service.name, service.reloadSignal);
      changes.push(`reloaded ${service.name}`);
    } else if (affected) {
      await host.services.restart(service.name);
      changes.push(`restarted ${service.name}`);
    }
  }
  return changes;
}

/** Applies one role's plan on every node that has the role, in parallel, reporting each node's changes as `step`. */
export async function applyRoleEverywhere(
  context: ConvergeContext,
  step: string,
  role: RoleName,
  plan: (planContext: PlanContext) => RolePlan,
  afterApply?: (host: Host) => Promise<void>,
): Promise<TopologyNode[]> {
  const nodes = nodesWithRole(context.topology, role);
  await Promise.all(
    nodes.map(async (node) => {
      const host = hostFor(context, node.name);
      const changes = await applyPlan(host, plan({ ...context, node, interfaceName: host.interfaceName }));
      await afterApply?.(host);
      context.progress({ stage: step, node: node.name, message: changes.join(", ") || "unchanged" });
    }),
  );
  return nodes;
}

