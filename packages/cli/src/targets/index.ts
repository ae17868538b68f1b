import type { Host, LabSecrets, NodeControl, ProgressEvent } from "@odoo-ha-lab/roles";
import type { NodeCheck, NodeUpSummary, SshDownResult } from "@odoo-ha-lab/ssh";
import type { Topology } from "@odoo-ha-lab/topology";
import type { RemovedResources } from "@odoo-ha-lab/docker";
import type { LabOptionValues } from "../options.ts";
import { dockerTarget } from "./docker.ts";
import { sshTarget } from "./ssh.ts";
import { vagrantTarget } from "./vagrant.ts";

/**
 * Where a lab runs, as every command sees it: Docker containers on this machine, or machines
 * reached over SSH. Commands ask the target for hosts and node control and never care which it is.
 */
export type TargetKind = "docker" | "ssh";
/** What --target accepts: vagrant is the SSH target on VMs that `vagrant up` started. */
export const TARGET_NAMES: readonly string[] = ["docker", "ssh", "vagrant"];

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

export type UpResult =
  | { kind: "docker"; secrets: LabSecrets; imagesBuilt: string[] }
  | { kind: "ssh"; secrets: LabSecrets; nodes: NodeUpSummary[] };

export type DownResult = { kind: "docker"; removed: RemovedResources } | ({ kind: "ssh" } & SshDownResult);

export interface UpOptions {
  /** docker: keep what a failed first `up` created. */
  keepOnFailure?: boolean;
}

export interface LabTarget {
  readonly kind: TargetKind;
  readonly topology: Topology;
  /** One Host per node (unreachable ones too: asking them fails, as with a stopped container). */
  hosts(): Promise<Map<string, Host>>;
  /** Whole-node power for the chaos faults (kill/stop/start/pause). */
  nodeControl(): Promise<NodeControl>;
  /** Machines, then converge: idempotent. */
  up(progress: (event: ProgressEvent) => void, options?: UpOptions): Promise<UpResult>;
  /** docker: remove everything of the lab. ssh: stop and disable its services (`purge`: also remove data, configs and units). */
  down(options?: { purge?: boolean }): Promise<DownResult>;
  /** Has this lab been brought up (and not taken down)? */
  exists(): Promise<boolean>;
  machines(): Promise<MachineState[]>;
  /** `up --check` (ssh only): what `up` would change, without changing anything. */
  check?(): Promise<NodeCheck[]>;
}

/** --target (or LAB_TARGET), default docker; the ssh target needs --inventory (or LAB_INVENTORY). */
export function resolveTarget(values: LabOptionValues, topology: Topology): LabTarget {
  const kind = values.target ?? process.env.LAB_TARGET ?? "docker";
  if (kind === "docker") return dockerTarget(topology);
  if (kind === "ssh") {
    const inventory = values.inventory ?? process.env.LAB_INVENTORY;
    if (!inventory) throw new Error("--target ssh needs --inventory <file>: which machine plays each node, and how to log in (see docs/ssh-target.md)");
    return sshTarget(topology, inventory);
  }
  if (kind === "vagrant") return vagrantTarget(topology, { vagrantDir: values["vagrant-dir"], provider: values.provider, box: values.box, lab: values });
  throw new Error(`unknown target '${kind}': use one of ${TARGET_NAMES.join(", ")}`);
}
