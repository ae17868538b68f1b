import { roleModule, type LabSecrets, type PlanContext, type RolePlan } from "@odoo-ha-lab/roles";
import { type FileSpec, type ServiceDefinition } from "@odoo-ha-lab/machine";
import type { Topology, TopologyNode } from "@odoo-ha-lab/topology";
import { installedOdooSource, type OdooSourceForMachines } from "./odoo-install.ts";
import { missingPackages, packagesForNode } from "./packages.ts";
import { provisionFiles } from "./provision.ts";
import type { SshHost } from "./ssh-host.ts";
import { sha256 } from "./ssh-host.ts";
import { renderUnit, stateOf, unitPath } from "./systemd-services.ts";
import { unifiedDiff } from "./text-diff.ts";

/**
 * `lab up --target ssh --check`: what `up` would change on each node, asked with read-only commands
 * only (dpkg-query, stat, sha256sum, cat, systemctl show). Nothing is written, started or installed.
 */

export interface FileCheck {
  path: string;
  action: "create" | "update" | "mode/owner";
  /** Unified diff with secret lines masked (empty for mode/owner-only changes). */
  diff: string;
}

export interface ServiceCheck {
  service: string;
  action: "start" | "restart" | "reload";
  reason: string;
}

export interface NodeCheck {
  node: string;
  packages: string[];
  /** What would happen to the machine's Odoo ("install Odoo from …"), if anything. */
  odoo?: string;
  files: FileCheck[];
  services: ServiceCheck[];
  changed: boolean;
}

/** The largest file shown as a diff; bigger ones are reported by size. */
const MAX_DIFF_BYTES = 256 * 1024;

export function nodePlans(topology: Topology, node: TopologyNode, secrets: LabSecrets, interfaceName: string): RolePlan[] {
  const context = { topology, node, secrets, interfaceName };
  return node.roles.map((role) => roleModule(role).plan(context));
}

export async function checkNode(
  host: SshHost,
  topology: Topology,
  node: TopologyNode,
  secrets: LabSecrets,
  assets: { labWaitMount: string; odooSource?: OdooSourceForMachines | undefined },
): Promise<NodeCheck> {
  const secretValues = Object.entries(secrets)
    .filter(([key]) => key !== "odooDbUser")
    .map(([, value]) => value);
  const packages = await missingPackages(host, packagesForNode(topology, node));
  const plans = nodePlans(topology, node, secrets, host.interfaceName);
  const files: FileCheck[] = [];
  const check = async (file: FileSpec): Promise<boolean> => {
    const outcome = await checkFile(host, file, secretValues);
    if (outcome) files.push(outcome);
    return outcome !== undefined;
  };
  for (const file of provisionFiles(node, assets)) await check(file);
  const odoo = node.roles.includes("odoo") && assets.odooSource ? await checkOdoo(host, assets.odooSource) : undefined;

  const services: ServiceCheck[] = [];
  for (const plan of plans) {
    let planFilesChange = false;
    for (const file of plan.files) if (await check(file)) planFilesChange = true;
    for (const service of plan.services) {
      const action = await checkService(host, service, planFilesChange, check);
      if (action) services.push(action);
    }
  }
  const changed = packages.length > 0 || files.length > 0 || services.length > 0 || odoo !== undefined;
  return { node: node.name, packages, ...(odoo ? { odoo } : {}), files, services, changed };
}

async function checkOdoo(host: SshHost, source: OdooSourceForMachines): Promise<string | undefined> {
  const wanted = source.get().sha256;
  const installed = await installedOdooSource(host);
  if (installed === wanted) return undefined;
  return `${installed ? "replace" : "install"} Odoo from ${source.source} (sha256 ${wanted.slice(0, 12)}${installed ? `; it runs ${installed.slice(0, 12)}` : ""})`;
}

async function checkFile(host: SshHost, file: FileSpec, secretValues: readonly string[]): Promise<FileCheck | undefined> {
  const current = await host.fileState(file.path);
  const mode = file.mode ?? 0o644;
  const owner = file.owner ?? "root";
  if (current && current.sha256 === sha256(file.content)) {
    if (current.mode === mode && current.owner === owner) return undefined;
    return { path: file.path, action: "mode/owner", diff: `mode ${current.mode.toString(8)} → ${mode.toString(8)}, owner ${current.owner} → ${owner}\n` };
  }
  if (file.content.length > MAX_DIFF_BYTES) {
    return { path: file.path, action: current ? "update" : "create", diff: `(${file.content.length} bytes, not shown: content differs)\n` };
  }
  const before = current ? await host.readFile(file.path) : undefined;
  return { path: file.path, action: current ? "update" : "create", diff: unifiedDiff(file.path, before, file.content, secretValues) };
}

async function checkService(host: SshHost, service: ServiceDefinition, filesChange: boolean, check: (file: FileSpec) => Promise<boolean>): Promise<ServiceCheck | undefined> {
  const unitChanges = await check({ path: unitPath(service.name), content: renderUnit(service), mode: 0o644 });
  const status = await host.services.status(service.name);
  const running = stateOf(status) === "running";
  if (!status.loaded) return { service: service.name, action: "start", reason: "new unit" };
  if (unitChanges) return { service: service.name, action: running ? "restart" : "start", reason: "unit changed" };
  if (!running || !status.enabled) return { service: service.name, action: "start", reason: `${status.activeState}${status.enabled ? "" : ", disabled"}` };
  if (filesChange && service.readsRoleFiles !== false) return service.reloadSignal ? { service: service.name, action: "reload", reason: `config changed (SIG${service.reloadSignal})` } : { service: service.name, action: "restart", reason: "config changed" };
  return undefined;
}

export function renderCheck(checks: readonly NodeCheck[]): string {
  const out: string[] = [];
  for (const check of checks) {
    if (!check.changed) {
      out.push(`${check.node}: no changes`);
      continue;
    }
    out.push(`${check.node}: ${[check.packages.length && `${check.packages.length} package(s) to install`, check.odoo && "Odoo to install", check.files.length && `${check.files.length} file(s) to write`, check.services.length && `${check.services.length} service action(s)`].filter(Boolean).join(", ")}`);
    if (check.packages.length) out.push(`  packages: ${check.packages.join(" ")}`);
    if (check.odoo) out.push(`  would ${check.odoo}`);
    for (const file of check.files) {
      out.push(`  ${file.action} ${file.path}`);
      out.push(...file.diff.trimEnd().split("\n").map((line) => `    ${line}`));
    }
    for (const service of check.services) out.push(`  would ${service.action} ${service.service} (${service.reason})`);
  }
  return `${out.join("\n")}\n`;
}
