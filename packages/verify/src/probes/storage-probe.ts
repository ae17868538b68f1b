import { PATHS } from "@odoo-ha-lab/roles";
import type { ProbeContext } from "./probe-context.ts";

/**
 * The shared filestore as each app node sees it: "ok", "unmounted", "unresponsive" (mounted but a
 * stat does not return in time: a hung brick stalls rather than fails) or "unreachable" (the node).
 */
export async function probeStorage(context: ProbeContext): Promise<Record<string, unknown>> {
  const statSeconds = Math.max(1, Math.floor(context.timeoutMs / 1000));
  const entries = await Promise.all(
    context.endpoints.appNodes.map(async ({ name }) => {
      const host = context.hosts.get(name);
      if (!host) return [name, "unreachable"] as const;
      try {
        const mounted = await host.exec(["mountpoint", "-q", PATHS.odooDataDir]);
        if (mounted.exitCode !== 0) return [name, "unmounted"] as const;
        const stat = await host.exec(["timeout", String(statSeconds), "stat", "-t", `${PATHS.odooDataDir}/.`]);
        return [name, stat.exitCode === 0 ? "ok" : "unresponsive"] as const;
      } catch {
        return [name, "unreachable"] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
