import { fileURLToPath } from "node:url";
import { loadTopologyFile, type Topology } from "@odoo-ha-lab/topology";

/**
 * The default lab on release debian-12, which is what the SSH target's test machines run (the
 * bare-host image is Debian 12; Debian 13 bare hosts are not built yet). Debian 12's Patroni 3.0.2
 * takes the default lab's timing as it is.
 */
export function bookwormLab(): Topology {
  return loadTopologyFile(fileURLToPath(new URL("../../../../labs/odoo-ha/topology.yaml", import.meta.url)), { release: "debian-12" });
}
