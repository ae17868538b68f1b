import { rmSync } from "node:fs";
import { LAB_WAIT_MOUNT_FILE } from "@odoo-ha-lab/docker";
import { generateSecrets, type OdooDatabaseCache } from "@odoo-ha-lab/roles";
import { loadInventoryFile, SshLab, SshNodeControl, type NodeUpSummary, type OdooSourceForMachines, type ProvisionAssets } from "@odoo-ha-lab/ssh";
import type { Topology } from "@odoo-ha-lab/topology";
import { databaseCacheKey, localDatabaseCache } from "../database-cache.ts";
import { labStateDir, loadOrCreateSecrets, loadSecrets, secretsPath } from "../state.ts";
import { renderTable } from "../table.ts";
import type { LabTarget, MachineState } from "./index.ts";

/** Machines someone else made, reached over SSH (docs/ssh-target.md). */
export function sshTarget(topology: Topology, inventoryPath: string, commandArgs = `--target ssh --inventory ${inventoryPath}`): LabTarget {
  const inventory = loadInventoryFile(inventoryPath, topology);
  const lab = new SshLab(topology, inventory, labStateDir(topology.name));
  const assets: ProvisionAssets = { labWaitMount: LAB_WAIT_MOUNT_FILE };
  return {
    kind: "ssh",
    topology,
    commandArgs,
    machineLabel: "ssh",
    hosts: () => lab.hosts(),
    async nodeControl() {
      return new SshNodeControl(inventory, lab.endpoints);
    },
    async up(progress) {
      const secrets = loadOrCreateSecrets(topology.name);
      const nodes = await lab.up({ secrets, assets, progress, ...(lab.odooSource ? { databaseCache: sshDatabaseCache(lab.odooSource, topology.postgres.version) } : {}) });
      const lines = [renderTable(["node", "result"], nodes.map((node) => [node.node, describeNodeChanges(node)])), ""];
      return { secrets, where: ` on ${topology.nodes.length} SSH machines`, detail: "", report: { json: { target: "ssh", nodes }, lines } };
    },
    async down(options = {}) {
      const started = Date.now();
      const result = await lab.down(options);
      // The data went with --purge, so its passwords go too; without it the next `up` needs them again.
      // known_hosts stays: the machines are the same.
      if (options.purge && result.unreachable.length === 0) rmSync(secretsPath(topology.name), { force: true });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const lines = [
        ...result.nodes.map((node) => `${node.node}: stopped and disabled ${node.stopped.length} lab service(s)${node.purged ? "; removed the lab's data, configs and units" : ""}`),
        ...result.unreachable.map((node) => `${node.node}: NOT REACHED (${node.reason}): its services still run`),
        `lab ${topology.name} down in ${seconds} s${options.purge ? "" : " (data and configs kept; --purge removes them)"}`,
      ];
      return { incomplete: result.unreachable.length > 0, report: { json: { target: "ssh", nodes: result.nodes, unreachable: result.unreachable, seconds: Number(seconds) }, lines } };
    },
    async exists() {
      return lab.exists();
    },
    async machines() {
      const machines = await lab.machines();
      return machines.map((machine) => ({ node: machine.node, machine: machine.endpoint, state: machine.state, up: machine.state === "reachable", detail: machine.detail }));
    },
    machinesJson: sshMachinesJson,
    check() {
      // Read-only: a lab never brought up compares against fresh secrets, which are not saved.
      return lab.check({ secrets: loadSecrets(topology.name) ?? generateSecrets(), assets });
    },
  };
}

/** SSH machines as `lab status --json` shows them. */
export function sshMachinesJson(machines: MachineState[]): Record<string, unknown> {
  return { target: "ssh", machines: machines.map(({ node, machine, state, detail }) => ({ node, endpoint: machine, state, detail })) };
}

/** "changed 3 files, 2 services" or "unchanged", for one node of an SSH `up`. */
function describeNodeChanges(node: NodeUpSummary): string {
  if (!node.changed) return "unchanged";
  const parts = [
    ...(node.installed.length ? [`installed ${node.installed.length} packages`] : []),
    `changed ${node.files.length} files, ${node.services.length} services`,
  ];
  return parts.join(", ");
}

/**
 * The SSH target's database cache: keyed by the Odoo source the machines run (its sha256) and the
 * PostgreSQL they install (the release's postgresql-<major>). An Odoo the user installed has no key the
 * lab can trust, so a lab without `odoo.source` initialises its database itself.
 */
function sshDatabaseCache(source: OdooSourceForMachines, postgresMajor: number): OdooDatabaseCache {
  return localDatabaseCache(async () => databaseCacheKey({ odoo: `source sha256:${source.get().sha256}`, postgres: `apt postgresql-${postgresMajor} (ssh target)` }));
}
