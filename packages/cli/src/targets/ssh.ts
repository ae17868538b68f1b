import { rmSync } from "node:fs";
import { LAB_WAIT_MOUNT_FILE } from "@odoo-ha-lab/docker";
import { generateSecrets } from "@odoo-ha-lab/roles";
import { loadInventoryFile, SshLab, SshNodeControl, type ProvisionAssets } from "@odoo-ha-lab/ssh";
import type { Topology } from "@odoo-ha-lab/topology";
import { labStateDir, loadOrCreateSecrets, loadSecrets, secretsPath } from "../state.ts";
import type { LabTarget } from "./index.ts";

/** Machines someone else made, reached over SSH (docs/ssh-target.md). */
export function sshTarget(topology: Topology, inventoryPath: string): LabTarget {
  const inventory = loadInventoryFile(inventoryPath, topology);
  const lab = new SshLab(topology, inventory, labStateDir(topology.name));
  const assets: ProvisionAssets = { labWaitMount: LAB_WAIT_MOUNT_FILE };
  return {
    kind: "ssh",
    topology,
    hosts: () => lab.hosts(),
    async nodeControl() {
      return new SshNodeControl(inventory, lab.endpoints);
    },
    async up(progress) {
      const secrets = loadOrCreateSecrets(topology.name);
      const nodes = await lab.up({ secrets, assets, progress });
      return { kind: "ssh", secrets, nodes };
    },
    async down(options = {}) {
      const result = await lab.down(options);
      // The data went with --purge, so its passwords go too; without it the next `up` needs them again.
      // known_hosts stays: the machines are the same.
      if (options.purge && result.unreachable.length === 0) rmSync(secretsPath(topology.name), { force: true });
      return { kind: "ssh", ...result };
    },
    async exists() {
      return lab.exists();
    },
    async machines() {
      const machines = await lab.machines();
      return machines.map((machine) => ({ node: machine.node, machine: machine.endpoint, state: machine.state, up: machine.state === "reachable", detail: machine.detail }));
    },
    check() {
      // Read-only: a lab never brought up compares against fresh secrets, which are not saved.
      return lab.check({ secrets: loadSecrets(topology.name) ?? generateSecrets(), assets });
    },
  };
}
