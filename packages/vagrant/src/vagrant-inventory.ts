import { existsSync } from "node:fs";
import { shellQuote } from "@odoo-ha-lab/machine";
import type { Topology } from "@odoo-ha-lab/topology";
import { Document } from "yaml";
import type { SshConfigHost } from "./ssh-config.ts";

/** One node of the SSH target's inventory file, in that file's own format (packages/ssh parses it). */
export interface InventoryFileNode {
  host: string;
  port: number;
  user: string;
  identityFile?: string;
  sudo: boolean;
  powerOff?: string;
  powerOn?: string;
}

/** The SSH target's inventory file. `defaults.knownHosts` is deliberately never set here (see below). */
export interface InventoryFile {
  defaults?: { user?: string; port?: number; identityFile?: string; sudo?: boolean; knownHosts?: string };
  nodes: Record<string, InventoryFileNode>;
}

export interface InventoryFromSshConfigOptions {
  /** The Vagrant directory: with it, each node gets powerOff/powerOn commands for the kill-node fault. */
  vagrantDir?: string;
  /** The vagrant binary those commands run (default `vagrant`). */
  vagrantBin?: string;
  /** Where `vagrant ssh-config` ran, for error messages. */
  where?: string;
  /** Which identity file of several is usable; default: the first that exists on this machine, else the first. */
  fileExists?: (path: string) => boolean;
}

/**
 * Maps `vagrant ssh-config` onto the SSH target's inventory: one node per topology node, with the
 * host, port, user and key Vagrant reports. `sudo: true` unless the user is root (Vagrant's is `vagrant`).
 *
 * Vagrant's own config says `StrictHostKeyChecking no` and `UserKnownHostsFile /dev/null`. The inventory
 * does NOT take that over: it leaves `knownHosts` unset, so the SSH target pins each VM's host key on
 * first contact and refuses a changed key afterwards, as it does for real servers.
 */
export function inventoryFromSshConfig(topology: Topology, hosts: SshConfigHost[], options: InventoryFromSshConfigOptions = {}): InventoryFile {
  const byName = new Map(hosts.map((host) => [host.name, host]));
  const where = options.where ?? "vagrant ssh-config";
  const missing = topology.nodes.filter((node) => !byName.has(node.name)).map((node) => node.name);
  if (missing.length > 0) {
    const seen = hosts.length > 0 ? hosts.map((host) => host.name).join(", ") : "no machine at all";
    throw new Error(
      `${where} has no machine for ${missing.length === 1 ? "node" : "nodes"} ${missing.join(", ")} of lab '${topology.name}' (it lists: ${seen}). ` +
        `Run \`vagrant up ${missing.join(" ")}\` in the lab's Vagrant directory (or \`pnpm lab up --target vagrant\`); ` +
        `if the Vagrantfile predates the topology, regenerate it with \`pnpm lab vagrant init --force\`.`,
    );
  }
  const fileExists = options.fileExists ?? existsSync;
  const nodes: Record<string, InventoryFileNode> = {};
  for (const node of topology.nodes) {
    const host = byName.get(node.name)!;
    const incomplete = [host.hostName === undefined && "HostName", host.user === undefined && "User"].filter(Boolean);
    if (incomplete.length > 0) throw new Error(`${where}: the block of ${node.name} has no ${incomplete.join(" or ")}: is the machine up? Run \`vagrant up ${node.name}\`.`);
    const identityFile = host.identityFiles.find(fileExists) ?? host.identityFiles[0];
    nodes[node.name] = {
      host: host.hostName!,
      port: host.port ?? 22,
      user: host.user!,
      ...(identityFile ? { identityFile } : {}),
      sudo: host.user !== "root",
      ...(options.vagrantDir ? powerCommands(node.name, options.vagrantDir, options.vagrantBin ?? "vagrant") : {}),
    };
  }
  return { nodes };
}

/** The kill-node fault's power switch for a VM: a hard stop (like pulling the plug), then a boot. */
function powerCommands(node: string, vagrantDir: string, vagrantBin: string): { powerOff: string; powerOn: string } {
  const prefix = `cd ${shellQuote(vagrantDir)} && ${shellQuote(vagrantBin)}`;
  return { powerOff: `${prefix} halt --force ${node}`, powerOn: `${prefix} up ${node}` };
}

/** The inventory as the YAML file the SSH target reads, with a header that says where it came from. */
export function renderInventoryYaml(inventory: InventoryFile, origin: string): string {
  const document = new Document(inventory);
  document.commentBefore = [
    ` Derived from \`vagrant ssh-config\` in ${origin}; \`pnpm lab up --target vagrant\` rewrites it on every run.`,
    " knownHosts is left unset on purpose: Vagrant itself says StrictHostKeyChecking no, but the SSH target",
    " pins each VM's host key on first contact and refuses a changed one afterwards.",
  ].join("\n");
  return document.toString({ lineWidth: 0 });
}
