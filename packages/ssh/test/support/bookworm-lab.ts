import { fileURLToPath } from "node:url";
import { loadTopologyFile, type Topology } from "@odoo-ha-lab/topology";

/**
 * The default lab on release debian-12, for the unit tests that check Debian 12's package names and
 * Patroni 3.0.2's rules (the integration test runs the default lab as it is, on Debian 13 machines).
 */
export function bookwormLab(): Topology {
  return loadTopologyFile(fileURLToPath(new URL("../../../../labs/odoo-ha/topology.yaml", import.meta.url)), { release: "debian-12" });
}
