import type { Topology } from "@odoo-ha-lab/topology";
import type { Host } from "@odoo-ha-lab/machine";
import type { LabSecrets } from "../secrets.ts";
import type { OdooDatabaseCache } from "../role-modules/odoo/database-cache.ts";

/** One line of progress: which stage, which node (if any), what happened. */
export interface ProgressEvent {
  stage: string;
  node?: string;
  message: string;
}

export interface ConvergeContext {
  topology: Topology;
  hosts: ReadonlyMap<string, Host>;
  secrets: LabSecrets;
  progress: (event: ProgressEvent) => void;
  /** Multiplies every wait's timeout (slow machines, real hardware). */
  timeoutScale?: number;
  /** Where a freshly initialised database is kept for the next new lab (none: every lab runs `-i base`). */
  databaseCache?: OdooDatabaseCache;
}

export function hostFor(context: ConvergeContext, node: string): Host {
  const host = context.hosts.get(node);
  if (!host) throw new Error(`no host is connected for node '${node}' of lab '${context.topology.name}'`);
  return host;
}

export function timeout(context: ConvergeContext, seconds: number): number {
  return seconds * 1000 * (context.timeoutScale ?? 1);
}
