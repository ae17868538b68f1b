import { run, type FileSpec, type Host } from "@odoo-ha-lab/machine";
import { machineSetupScript, runtimeDirectories } from "@odoo-ha-lab/roles";
import type { Topology, TopologyNode } from "@odoo-ha-lab/topology";
import { installOdoo, type OdooSourceForMachines } from "./odoo-install.ts";
import { debianUnits, installCommand, missingPackages, packagesForNode } from "./packages.ts";

/**
 * What the Docker images bake in, done on a real host over SSH: Debian packages per role, the
 * system users, the directories, the lab's helper scripts, real Odoo from the topology's source, and
 * Debian's own units for the same daemons disabled. Idempotent: a second run changes nothing and says so.
 */

/** Local files the provisioner copies to the nodes (they live in other packages of the repo). */
export interface ProvisionAssets {
  /** packages/docker/images/common/lab-wait-mount */
  labWaitMount: string;
}

export const LAB_WAIT_MOUNT_PATH = "/usr/local/bin/lab-wait-mount";
export const TMPFILES_PATH = "/etc/tmpfiles.d/odoo-ha-lab.conf";

export interface ProvisionResult {
  installed: string[];
  /** Users created, directories made, units disabled, files written. */
  changes: string[];
}

/** The files a node needs besides its role configs (also what `--check` compares). */
export function provisionFiles(node: TopologyNode, assets: { labWaitMount: string }): FileSpec[] {
  const files: FileSpec[] = [{ path: TMPFILES_PATH, content: renderTmpfiles(node), mode: 0o644 }];
  if (node.roles.includes("odoo")) files.push({ path: LAB_WAIT_MOUNT_PATH, content: assets.labWaitMount, mode: 0o755 });
  return files;
}

/** /run is a tmpfs on a real host: these come back on every boot (keepalived's pid files, the roles' runtime folders). */
export function renderTmpfiles(node: TopologyNode): string {
  const lines = ["# Written by odoo-ha-lab.", "d /run/lab 0755 root root -", "d /var/log/lab 0755 root root -"];
  for (const { path, owner, mode } of runtimeDirectories(node.roles)) lines.push(`d ${path} ${mode} ${owner} ${owner} -`);
  return `${lines.join("\n")}\n`;
}

/** Users and directories of the node's roles, as the images have them, then the runtime folders. Prints one line per thing it changed. */
export function systemSetupScript(node: TopologyNode): string {
  return `${machineSetupScript(node.roles)}\nsystemd-tmpfiles --create ${TMPFILES_PATH}`;
}

// Disables and stops every Debian unit given that is enabled or running. Prints what it did.
const DISABLE_UNITS = `for unit in "$@"; do
  systemctl cat "$unit" >/dev/null 2>&1 || continue
  if systemctl is-enabled --quiet "$unit" 2>/dev/null || systemctl is-active --quiet "$unit"; then
    systemctl disable --now --quiet "$unit" 2>/dev/null || systemctl stop "$unit"
    echo "disabled Debian's $unit"
  fi
done`;

// Debian's postgresql-<major> creates and starts a <major>/main cluster on port 5432; Patroni owns PostgreSQL here. $1: the major.
const DROP_DEBIAN_CLUSTER = `if [ -d "/etc/postgresql/$1/main" ]; then pg_dropcluster --stop "$1" main && echo "dropped Debian's default cluster $1/main"; fi`;

export async function provisionNode(
  host: Host,
  topology: Topology,
  node: TopologyNode,
  assets: { labWaitMount: string; odooSource?: OdooSourceForMachines | undefined },
  progress: (message: string) => void,
): Promise<ProvisionResult> {
  const changes: string[] = [];
  const wanted = packagesForNode(topology, node);
  const missing = await missingPackages(host, wanted);
  if (missing.length > 0) {
    progress(`installing ${missing.length} package(s): ${missing.join(" ")}`);
    await run(host, installCommand(missing), { timeoutMs: 1_800_000 });
    const still = await missingPackages(host, wanted);
    if (still.length > 0) throw new Error(`on ${node.name}: apt-get finished but these packages are still not installed: ${still.join(", ")}`);
  }
  // Only a cluster our own install created: a PostgreSQL that was there before is the preflight's to report.
  const major = String(topology.postgres.version);
  if (missing.includes(`postgresql-${major}`)) changes.push(...lines(await run(host, ["sh", "-c", DROP_DEBIAN_CLUSTER, "sh", major])));
  changes.push(...lines(await run(host, ["sh", "-c", DISABLE_UNITS, "sh", ...debianUnits(topology)])));
  for (const file of provisionFiles(node, assets)) {
    if (await host.writeFile(file)) changes.push(`wrote ${file.path}`);
  }
  changes.push(...lines(await run(host, ["sh", "-c", systemSetupScript(node)])));
  if (node.roles.includes("odoo") && assets.odooSource) {
    const installed = await installOdoo(host, assets.odooSource, progress);
    if (installed) changes.push(installed);
  }
  return { installed: missing, changes };
}

function lines(output: string): string[] {
  return output.split("\n").map((line) => line.trim()).filter(Boolean);
}
