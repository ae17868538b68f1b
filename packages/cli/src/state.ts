import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

export function forgetLab(lab: string): void {
  rmSync(labStateDir(lab), { recursive: true, force: true });
}
