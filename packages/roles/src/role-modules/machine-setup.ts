import type { RoleName } from "@odoo-ha-lab/topology";
import { roleModule } from "./index.ts";
import type { MachineSetup, RoleDirectory } from "./role-module.ts";

/** A role's machine setup with every field it does not state at its empty default. */
export function machineOf(role: RoleName): Required<MachineSetup> {
  return { users: [], directories: [], runtimeDirectories: [], debianUnits: () => [], durableFolders: [], usesFuse: false, ...roleModule(role).machine };
}

/**
 * A shell script that makes the users and folders of these roles (their modules' `machine`), users
 * first (they own folders): what a lab image is built with (the Docker target) and what the SSH
 * target runs on a host. Idempotent: it prints one line per thing it made, nothing on a second run.
 */
export function machineSetupScript(roles: readonly RoleName[]): string {
  const lines = ["set -e"];
  const setups = [...new Set(roles)].map(machineOf);
  for (const { name, home, shell = "/usr/sbin/nologin" } of setups.flatMap((setup) => setup.users)) {
    lines.push(`id -u ${name} >/dev/null 2>&1 || { useradd --system --user-group --home-dir ${home} --shell ${shell} ${name}; echo "created user ${name}"; }`);
  }
  for (const { path, owner = "root", mode = "0755" } of setups.flatMap((setup) => setup.directories)) {
    lines.push(`[ -d ${path} ] || { install -d -o ${owner} -g ${owner} -m ${mode} ${path}; echo "created ${path}"; }`);
  }
  return lines.join("\n");
}

/** The roles' folders under /run, one "path owner mode" line each: a fresh /run (a tmpfs) gets them at every start. */
export function runtimeDirectories(roles: readonly RoleName[]): Required<RoleDirectory>[] {
  return [...new Set(roles)].flatMap((role) => machineOf(role).runtimeDirectories).map(({ path, owner = "root", mode = "0755" }) => ({ path, owner, mode }));
}
