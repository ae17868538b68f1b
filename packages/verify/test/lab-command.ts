import { runLab } from "../../cli/test/lab-cli.ts";
import { fileURLToPath } from "node:url";

export const DEFAULT_TOPOLOGY = fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url));

/** The `lab` command as a user runs it, on a lab of its own (LAB_NAME / LAB_SUBNET in `env`). */
export const lab = runLab;
