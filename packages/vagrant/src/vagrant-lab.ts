import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { Topology } from "@odoo-ha-lab/topology";
import { parseSshConfig } from "./ssh-config.ts";
import { VagrantCli, VagrantCommandError } from "./vagrant-cli.ts";
import { inventoryFromSshConfig, renderInventoryYaml, type InventoryFile } from "./vagrant-inventory.ts";
import { renderVagrantfile, vagrantfileWarnings, type VagrantfileOptions } from "./vagrantfile.ts";

export const INVENTORY_FILE_NAME = "inventory.yaml";

export type VagrantfileWrite = "created" | "unchanged" | "replaced";

/** Refused: a Vagrantfile is there and differs from what the topology renders. */
export class VagrantfileExistsError extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists and differs from what the topology renders: pass --force to replace it (your edits to it are lost)`);
    this.name = "VagrantfileExistsError";
  }
}

/** `lab vagrant init`: writes the Vagrantfile, but never silently over a different one. */
export function writeVagrantfile(topology: Topology, directory: string, options: VagrantfileOptions & { force?: boolean } = {}): { path: string; result: VagrantfileWrite; warnings: string[] } {
  const path = join(directory, "Vagrantfile");
  const text = renderVagrantfile(topology, options);
  const warnings = vagrantfileWarnings(topology);
  if (existsSync(path)) {
    if (readFileSync(path, "utf8") === text) return { path, result: "unchanged", warnings };
    if (!options.force) throw new VagrantfileExistsError(path);
    writeFileSync(path, text);
    return { path, result: "replaced", warnings };
  }
  mkdirSync(directory, { recursive: true });
  writeFileSync(path, text);
  return { path, result: "created", warnings };
}

export interface VagrantUpOptions extends VagrantfileOptions {
  /** The Vagrant directory (`.lab/<lab>/vagrant` from the CLI). */
  directory: string;
  /** `virtualbox` or `libvirt` (anything Vagrant knows). */
  provider: string;
  /** The vagrant binary; default VAGRANT_BIN, else `vagrant` on PATH. */
  binary?: string;
  onProgress?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface VagrantUpResult {
  inventory: InventoryFile;
  inventoryPath: string;
  vagrantfile: { path: string; result: VagrantfileWrite | "kept" };
}

/**
 * The Vagrant half of `lab up --target vagrant`: the VMs up, then their SSH details as an inventory
 * file for the SSH target, which converges the roles from there exactly as on real servers.
 */
export async function vagrantUp(topology: Topology, options: VagrantUpOptions): Promise<VagrantUpResult> {
  const progress = options.onProgress ?? (() => {});
  const cli = new VagrantCli({ directory: options.directory, binary: options.binary, env: options.env, onLine: (line) => progress(line) });

  let vagrantfile: VagrantUpResult["vagrantfile"];
  try {
    vagrantfile = writeVagrantfile(topology, options.directory, options);
    if (vagrantfile.result === "created") progress(`wrote ${vagrantfile.path}`);
    for (const warning of vagrantfileWarnings(topology)) progress(`note: ${warning}`);
  } catch (error) {
    if (!(error instanceof VagrantfileExistsError)) throw error;
    // The user's own edits (another box, more memory) are theirs to keep: use it as it is.
    vagrantfile = { path: error.path, result: "kept" };
    progress(`using ${error.path} as it is (it differs from what the topology renders; \`pnpm lab vagrant init --force\` regenerates it)`);
  }

  progress(`vagrant up --provider ${options.provider} in ${options.directory}`);
  await cli.up({ provider: options.provider });
  const { inventory, inventoryPath } = await writeVagrantInventory(topology, cli);
  progress(`wrote ${inventoryPath} (${Object.keys(inventory.nodes).length} nodes): the SSH target takes over`);
  return { inventory, inventoryPath, vagrantfile };
}

/** `vagrant ssh-config` → `<directory>/inventory.yaml`, without starting anything (the VMs must be running). */
export async function writeVagrantInventory(topology: Topology, cli: VagrantCli): Promise<{ inventory: InventoryFile; inventoryPath: string }> {
  const inventory = await deriveInventory(topology, cli);
  const inventoryPath = join(cli.directory, INVENTORY_FILE_NAME);
  writeFileSync(inventoryPath, renderInventoryYaml(inventory, cli.directory));
  return { inventory, inventoryPath };
}

/** `vagrant ssh-config` → inventory; when a machine is not running, says which one and how to start it. */
export async function deriveInventory(topology: Topology, cli: VagrantCli): Promise<InventoryFile> {
  let text: string;
  try {
    text = await cli.sshConfig();
  } catch (error) {
    if (!(error instanceof VagrantCommandError)) throw error;
    const states = await cli.status().catch(() => undefined);
    const down = states ? topology.nodes.filter((node) => states[node.name] !== "running").map((node) => `${node.name} (${states[node.name] ?? "not in the Vagrantfile"})`) : [];
    if (down.length === 0) throw error;
    throw new Error(`\`vagrant ssh-config\` failed: not running: ${down.join(", ")}. Run \`vagrant up ${down.map((entry) => entry.split(" ")[0]).join(" ")}\` in ${cli.directory}.\n${error.message}`);
  }
  return inventoryFromSshConfig(topology, parseSshConfig(text), { vagrantDir: cli.directory, vagrantBin: cli.binary, where: `\`vagrant ssh-config\` in ${cli.directory}` });
}

export interface VagrantDestroyOptions {
  directory: string;
  binary?: string;
  /** The SSH target's pinned keys (`.lab/<lab>/known_hosts`): the destroyed VMs' entries are removed from it. */
  knownHostsFile?: string;
  onProgress?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * `vagrant destroy --force`, then forget what pointed at the dead VMs: the derived inventory, and the
 * host keys pinned for their endpoints (new VMs on the same 127.0.0.1 ports have new keys, and the
 * SSH target would rightly refuse them as changed).
 */
export async function vagrantDestroy(options: VagrantDestroyOptions): Promise<{ forgotKeys: string[] }> {
  const progress = options.onProgress ?? (() => {});
  const cli = new VagrantCli({ directory: options.directory, binary: options.binary, env: options.env, onLine: (line) => progress(line) });
  const inventoryPath = join(options.directory, INVENTORY_FILE_NAME);
  const endpoints = existsSync(inventoryPath) ? inventoryEndpoints(readFileSync(inventoryPath, "utf8")) : [];
  await cli.destroy();
  rmSync(inventoryPath, { force: true });
  const forgotKeys: string[] = [];
  if (options.knownHostsFile && existsSync(options.knownHostsFile)) {
    for (const endpoint of endpoints) {
      const result = spawnSync("ssh-keygen", ["-R", endpoint, "-f", options.knownHostsFile], { encoding: "utf8" });
      if (result.error) {
        progress(`note: cannot run ssh-keygen (${result.error.message}): remove ${endpoint} from ${options.knownHostsFile} by hand`);
        break;
      }
      if (result.status === 0 && /updated/i.test(result.stdout + result.stderr)) forgotKeys.push(endpoint);
    }
    rmSync(`${options.knownHostsFile}.old`, { force: true }); // ssh-keygen -R leaves a backup of the file
  }
  if (forgotKeys.length > 0) progress(`forgot the pinned host keys of ${forgotKeys.join(", ")} in ${options.knownHostsFile}`);
  return { forgotKeys };
}

/** `host` or `[host]:port`, as known_hosts names an endpoint. */
function inventoryEndpoints(text: string): string[] {
  const file = parseYaml(text) as { nodes?: Record<string, { host?: unknown; port?: unknown }> } | null;
  return Object.values(file?.nodes ?? {})
    .filter((node): node is { host: string; port?: number } => typeof node.host === "string")
    .map((node) => (node.port === undefined || node.port === 22 ? node.host : `[${node.host}]:${node.port}`));
}
