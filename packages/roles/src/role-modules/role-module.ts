import type { ReleaseName, RoleName } from "@odoo-ha-lab/topology";
import type { ConvergeContext } from "../converge/context.ts";
import type { PlanContext, RolePlan } from "../node-plan.ts";

/**
 * A step of `up`: it runs once the steps it names in `after` are done, side by side with every step
 * that does not depend on it (converge/converge.ts orders them).
 */
export interface ConvergeStep {
  name: string;
  after: readonly string[];
  run(context: ConvergeContext): Promise<void>;
}

/**
 * One role a node can play, in one folder (role-modules/<role>/): what it runs and with which files
 * (its plan and renderers), how `up` brings it up and what that waits for (its steps), and what a
 * machine needs installed for it (its Debian packages). Registered in role-modules/index.ts.
 */
export interface RoleModule {
  name: RoleName;
  /** Its services, in start order: status, logs and the chaos faults name services by these. */
  services: readonly string[];
  /** What a node of this role runs: its files and services (pure). */
  plan(context: PlanContext): RolePlan;
  /** Its Debian packages on a release, for a machine that has none yet (the SSH target; the lab's images carry the same). */
  debianPackages(release: ReleaseName): readonly string[];
  /** The steps of `up` that bring the role up on its nodes. */
  steps: readonly ConvergeStep[];
}
