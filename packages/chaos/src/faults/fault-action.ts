import type { LabSecrets } from "@odoo-ha-lab/roles";
import type { Host } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import type { NodeControl } from "@odoo-ha-lab/machine";

/** What an action may touch: the lab's hosts and machines, nothing Docker-specific. */
export interface FaultContext {
  /** The fault's id: names its iptables chain, its fill file, its hog processes. */
  readonly id: string;
  readonly topology: Topology;
  readonly nodes: NodeControl;
  /** The lab's credentials, where the caller has them (a warm-up logs in as a user does). */
  readonly secrets?: LabSecrets;
  host(node: string): Host;
  /** Records something the operator should know (kept in the journal and logged). */
  note(message: string): void;
  /** Records when the fault took effect (epoch ms), where the action can tell (FaultRecord.landedAt). */
  landed(at: number): void;
}

/** A fault kind as a reversible action. Both halves are idempotent: heal also undoes a half-done inject. */
export interface FaultAction {
  inject(context: FaultContext): Promise<void>;
  heal(context: FaultContext): Promise<void>;
}
