import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSecrets, type LabSecrets } from "@odoo-ha-lab/roles";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Per-lab state on the machine that runs `lab`: generated credentials, never committed (.lab/ is ignored). */
export function labStateDir(lab: string): string {
  return join(process.env.LAB_STATE_DIR ?? join(REPO_ROOT, ".lab"), lab);
}

export function secretsPath(lab: string): string {
  return join(labStateDir(lab), "secrets.json");
}

export function loadSecrets(lab: string): LabSecrets | undefined {
  const path = secretsPath(lab);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as LabSecrets) : undefined;
}

export function loadOrCreateSecrets(lab: string): LabSecrets {
  const existing = loadSecrets(lab);
  if (existing) return existing;
  const secrets = generateSecrets();
  mkdirSync(labStateDir(lab), { recursive: true, mode: 0o700 });
  writeFileSync(secretsPath(lab), JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  return secrets;
}

/**
 * Forgets a Docker lab that was taken down: its credentials and fault journal. A `vagrant/`
 * directory of the same lab name is kept: it holds a Vagrantfile and the state of VMs that
 * `docker down` knows nothing about.
 */
export function forgetLab(lab: string): void {
  const directory = labStateDir(lab);
  if (!existsSync(directory)) return;
  for (const entry of readdirSync(directory)) {
    if (entry !== "vagrant") rmSync(join(directory, entry), { recursive: true, force: true });
  }
  if (readdirSync(directory).length === 0) rmSync(directory, { recursive: true, force: true });
}
