import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { ProgressEvent } from "@odoo-ha-lab/roles";
import { loadInventoryFile, type Inventory } from "@odoo-ha-lab/ssh";
import type { Topology } from "@odoo-ha-lab/topology";
import { INVENTORY_FILE_NAME, VagrantCli, vagrantUp, writeVagrantInventory, type VagrantfileOptions } from "@odoo-ha-lab/vagrant";
import { DEFAULT_TOPOLOGY, type LabOptionValues } from "../options.ts";
import { labStateDir, REPO_ROOT } from "../state.ts";
import type { LabTarget } from "./index.ts";
import { sshMachinesJson, sshTarget } from "./ssh.ts";

export interface VagrantTargetOptions {
  /** `--vagrant-dir`; default `.lab/<lab>/vagrant`. */
  vagrantDir?: string;
  /** `--provider`; default VAGRANT_DEFAULT_PROVIDER, else virtualbox. */
  provider?: string;
  /** `--box`, for a Vagrantfile written by this run. */
  box?: string;
  /** The lab options of the command line, to name the topology in the Vagrantfile's header. */
  lab?: LabOptionValues;
}

export interface VagrantHandOver {
  /** The inventory the SSH target takes over with, already validated against the topology. */
  inventory: Inventory;
  /** Where it was written: `.lab/<lab>/vagrant/inventory.yaml` (or under --vagrant-dir). */
  inventoryPath: string;
  vagrantDir: string;
}

export function vagrantDirectory(topology: Topology, vagrantDir: string | undefined): string {
  return vagrantDir ? resolve(vagrantDir) : join(labStateDir(topology.name), "vagrant");
}

export function vagrantProvider(provider: string | undefined): string {
  return provider ?? (process.env.VAGRANT_DEFAULT_PROVIDER || "virtualbox");
}

/** The Vagrantfile's options from the command line: its header names the file and the overrides it came from. */
export function vagrantfileOptions(options: { box?: string; lab?: LabOptionValues }): VagrantfileOptions {
  const lab = options.lab ?? {};
  const file = resolve(lab.topology ?? process.env.LAB_TOPOLOGY ?? DEFAULT_TOPOLOGY);
  const shown = relative(REPO_ROOT, file);
  const overrides = [
    ...(lab.name ?? process.env.LAB_NAME ? [`--name ${lab.name ?? process.env.LAB_NAME}`] : []),
    ...(lab.subnet ?? process.env.LAB_SUBNET ? [`--subnet ${lab.subnet ?? process.env.LAB_SUBNET}`] : []),
  ];
  const source = [shown.startsWith("..") || isAbsolute(shown) ? file : shown, ...overrides].join(" ");
  return { topologySource: source, ...(options.box ? { box: options.box } : {}) };
}

/**
 * The Vagrant half of `lab up --target vagrant`: writes the Vagrantfile if there is none, runs
 * `vagrant up --provider …` (progress streamed), then `vagrant ssh-config`, and writes the inventory it
 * derives. The caller hands that inventory to the SSH target, which converges the roles.
 */
export async function vagrantTargetUp(topology: Topology, options: VagrantTargetOptions, progress: (event: ProgressEvent) => void): Promise<VagrantHandOver> {
  const vagrantDir = vagrantDirectory(topology, options.vagrantDir);
  const { inventoryPath } = await vagrantUp(topology, {
    ...vagrantfileOptions(options),
    directory: vagrantDir,
    provider: vagrantProvider(options.provider),
    onProgress: vagrantProgress(progress),
  });
  return { inventory: loadInventoryFile(inventoryPath, topology), inventoryPath, vagrantDir };
}

/** Vagrant prints `==> lb1: …` and `    lb1: …`: the node goes into its column of the progress line. */
export function vagrantProgress(progress: (event: ProgressEvent) => void): (line: string) => void {
  return (line) => {
    const match = /^(?:==>|\s+)\s*([a-z][a-z0-9-]*): (.*)$/.exec(line);
    progress(match ? { stage: "vagrant", node: match[1]!, message: match[2]! } : { stage: "vagrant", message: line.trim() });
  };
}

/**
 * `--target vagrant` as a whole LabTarget: `up` brings the VMs up and hands over to the SSH target;
 * every other command (status, logs, exec, down, the chaos runs) is the SSH target on the derived
 * inventory.
 * `down` stops the lab's services like `down --target ssh`; `pnpm lab vagrant destroy` deletes the VMs.
 */
export function vagrantTarget(topology: Topology, options: VagrantTargetOptions): LabTarget {
  const vagrantDir = vagrantDirectory(topology, options.vagrantDir);
  const inventoryPath = join(vagrantDir, INVENTORY_FILE_NAME);
  let overSsh: LabTarget | undefined;
  /** The SSH target on the last derived inventory; without one (VMs started by hand), asks `vagrant ssh-config`. */
  const ssh = async (): Promise<LabTarget> => {
    if (!overSsh) {
      if (!existsSync(inventoryPath)) await writeVagrantInventory(topology, new VagrantCli({ directory: vagrantDir }));
      overSsh = sshTarget(topology, inventoryPath, "--target vagrant");
    }
    return overSsh;
  };
  return {
    kind: "vagrant",
    topology,
    commandArgs: "--target vagrant",
    machineLabel: "ssh",
    hosts: async () => (await ssh()).hosts(),
    nodeControl: async () => (await ssh()).nodeControl(),
    async up(progress, upOptions) {
      const handOver = await vagrantTargetUp(topology, options, progress);
      overSsh = sshTarget(topology, handOver.inventoryPath, "--target vagrant");
      return overSsh.up(progress, upOptions);
    },
    down: async (downOptions) => (await ssh()).down(downOptions),
    exists: async () => existsSync(inventoryPath) && (await ssh()).exists(),
    machines: async () => (await ssh()).machines(),
    machinesJson: sshMachinesJson,
    async check() {
      const target = await ssh();
      return target.check!();
    },
  };
}
