import type { Host } from "../host.ts";
import { run } from "../host.ts";
import type { RolePlan } from "../node-plan.ts";

/**
 * Converges one role onto one host: prepare directories, write files, apply services. A service
 * whose definition is unchanged but whose files changed is restarted, so a config edit takes effect.
 * Returns what changed, for "nothing to do" reports.
 */
export async function applyPlan(host: Host, plan: RolePlan): Promise<string[]> {
  const changes: string[] = [];
  for (const command of plan.prepare) await run(host, command);
  let filesChanged = false;
  for (const file of plan.files) {
    if (await host.writeFile(file)) {
      filesChanged = true;
      changes.push(`wrote ${file.path}`);
    }
  }
  for (const service of plan.services) {
    if (await host.services.apply(service)) {
      changes.push(`started ${service.name}`);
    } else if (filesChanged) {
      await host.services.restart(service.name);
      changes.push(`restarted ${service.name}`);
    }
  }
  return changes;
}
