import type { LabSecrets, ProgressEvent } from "@odoo-ha-lab/roles";
import type { Host, NodeControl } from "@odoo-ha-lab/machine";
import type { NodeCheck } from "@odoo-ha-lab/ssh";
import type { Topology } from "@odoo-ha-lab/topology";
import { targetKind, type LabOptionValues, type TargetKind } from "../options.ts";
import { dockerTarget } from "./docker.ts";
import { sshTarget } from "./ssh.ts";
import { vagrantTarget } from "./vagrant.ts";

/**
 * Where a lab runs, as every command sees it: Docker containers on this machine, or machines
 * reached over SSH. Commands ask the target for hosts and node control and never care which it is.
 */
export type { TargetKind } from "../options.ts";

/** One machine of the lab as the target sees it: a container's state, or whether SSH answers. */
export interface MachineState {
  node: string;
  /** The container's name, or user@host[:port]. */
  machine: string;
  /** docker: the container state ("running", "exited"…); ssh: "reachable" or "unreachable". */
  state: string;
  /** Whether the node's Host can be asked anything now. */
  up: boolean;
  detail: string;
}

/**
 * What a target says about what it did, in its own terms: merged into a command's --json output, and
 * lines for people. Commands print it and never ask which target it is.
 */
export interface TargetReport {
  json: Record<string, unknown>;
  lines: string[];
}

export interface UpResult {
  secrets: LabSecrets;
  /** In "lab <name> is up<where> (12 s<detail>)": " on 6 SSH machines", ", built images: …". */
  where: string;
  detail: string;
  report: TargetReport;
  /** False when the lab was running and this `up` changed nothing on it (undefined: the target cannot tell). */
  changed?: boolean;
}

export interface DownResult {
  report: TargetReport;
  /** Some machine was not reached: its services still run. */
  incomplete: boolean;
}

export interface UpOptions {
  /** docker: keep what a failed first `up` created. */
  keepOnFailure?: boolean;
}

export interface LabTarget {
  readonly kind: TargetKind;
  readonly topology: Topology;
  /** What names this target on a command line ("--target ssh --inventory x.yaml"; "" for the default). */
  readonly commandArgs: string;
  /** What `lab status` calls a node's machine: "container", "ssh". */
  readonly machineLabel: string;
  /** One Host per node (unreachable ones too: asking them fails, as with a stopped container). */
  hosts(): Promise<Map<string, Host>>;
  /** Whole-node power for the chaos faults (kill/stop/start/pause). */
  nodeControl(): Promise<NodeControl>;
  /** Machines, then converge: idempotent. */
  up(progress: (event: ProgressEvent) => void, options?: UpOptions): Promise<UpResult>;
  /** docker: remove everything of the lab. ssh: stop and disable its services (`purge`: also remove data, configs and units; refused by targets that always remove everything). */
  down(options?: { purge?: boolean }): Promise<DownResult>;
  /** Has this lab been brought up (and not taken down)? */
  exists(): Promise<boolean>;
  machines(): Promise<MachineState[]>;
  /** The machines as `lab status --json` shows them, in the target's terms. */
  machinesJson(machines: MachineState[]): Record<string, unknown>;
  /** `up --check` (ssh only): what `up` would change, without changing anything. */
  check?(): Promise<NodeCheck[]>;
}

/** --target (or LAB_TARGET), default docker; the ssh target needs --inventory (or LAB_INVENTORY). */
export function resolveTarget(values: LabOptionValues, topology: Topology): LabTarget {
  const kind = targetKind(values);
  if (kind === "docker") return dockerTarget(topology);
  if (kind === "ssh") {
    const inventory = values.inventory ?? process.env.LAB_INVENTORY;
    if (!inventory) throw new Error("--target ssh needs --inventory <file>: which machine plays each node, and how to log in (see docs/ssh-target.md)");
    return sshTarget(topology, inventory);
  }
  return vagrantTarget(topology, { vagrantDir: values["vagrant-dir"], provider: values.provider, box: values.box, lab: values });
}
