import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FileSpec } from "@odoo-ha-lab/machine";
import { PATHS } from "../../render/paths.ts";

/**
 * The lab's server-wide Odoo addon (`lab_ha/`, beside this file): what stock Odoo 17 gets wrong when an HA
 * component fails, patched at load time (see the addon's modules). It is written to every app node
 * like a config file, so the Docker, SSH and Vagrant targets run the same Odoo with the same patches,
 * and a changed addon restarts Odoo as a changed odoo.conf does.
 */
export const LAB_ODOO_ADDON = "lab_ha";

const ADDON_DIR = fileURLToPath(new URL(`./${LAB_ODOO_ADDON}/`, import.meta.url));

export function labOdooAddonFiles(): FileSpec[] {
  return readdirSync(ADDON_DIR)
    .filter((name) => name.endsWith(".py"))
    .sort()
    .map((name) => ({ path: `${PATHS.odooLabAddons}/${LAB_ODOO_ADDON}/${name}`, content: readFileSync(ADDON_DIR + name, "utf8"), mode: 0o644 }));
}
