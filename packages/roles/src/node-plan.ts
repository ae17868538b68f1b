import type { Topology, TopologyNode } from "@odoo-ha-lab/topology";
import type { FileSpec, ServiceDefinition } from "@odoo-ha-lab/machine";
import type { LabSecrets } from "./secrets.ts";

/**
 * What one node runs, per role: the files it needs and the services that use them. Pure: the same
 * plan is converged onto a container, an SSH host or a VM.
 */
export interface RolePlan {
  files: FileSpec[];
  services: ServiceDefinition[];
  /** Commands that prepare directories before the services start (idempotent). */
  prepare: string[][];
}

export interface PlanContext {
  topology: Topology;
  node: TopologyNode;
  secrets: LabSecrets;
  interfaceName: string;
}
