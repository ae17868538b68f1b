import type { ReleaseName, RoleName, Topology } from "@odoo-ha-lab/topology";
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

/** A folder a role's files or data live in, made before its files are written. */
export interface RoleDirectory {
  path: string;
  /** Its owner and group (default root). */
  owner?: string;
  /** Octal, as `install -m` takes it (default 0755). */
  mode?: string;
}

/**
 * What a machine needs for a role before its files and services: what the lab's images are built
 * with, and what the SSH target makes on a host. A role states only what it has: `machineOf`
 * (machine-setup.ts) gives everything else its empty default.
 */
export interface MachineSetup {
  /** System users its services run as (each in a group of its name). */
  users?: readonly { name: string; home: string; shell?: string }[];
  directories?: readonly RoleDirectory[];
  /** Folders under /run: a tmpfs on a host, so systemd-tmpfiles makes them again at every boot. */
  runtimeDirectories?: readonly RoleDirectory[];
  /** Debian's own units for the role's daemons: disabled on a host, where the lab runs them itself. */
  debianUnits?(topology: Topology): readonly string[];
  /**
   * Folders whose content must outlive the machine being recreated (a container on a new image):
   * each a named volume in Docker. A host keeps its disks anyway.
   */
  durableFolders?: readonly { name: string; path: string }[];
  /** It mounts or serves a FUSE filesystem (GlusterFS): a container needs /dev/fuse and SYS_ADMIN. */
  usesFuse?: boolean;
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
  /** Its users, folders and Debian units on a machine. */
  machine: MachineSetup;
  /** The steps of `up` that bring the role up on its nodes. */
  steps: readonly ConvergeStep[];
}
