import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findNode, loadTopologyFile } from "@odoo-ha-lab/topology";
import { debianUnits } from "../src/packages.ts";
import { renderTmpfiles, systemSetupScript } from "../src/provision.ts";

const topology = loadTopologyFile(fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url)));

/** A host's users, folders and units come from the role modules of the node's roles. */
describe("a host's setup from its roles' modules", () => {
  it("makes a role's users before the folders they own, and only the node's roles' folders", () => {
    const script = systemSetupScript(findNode(topology, "odoo1"));
    expect(script).toContain("useradd --system --user-group --home-dir /var/lib/odoo --shell /bin/bash odoo");
    expect(script.indexOf("useradd --system --user-group --home-dir /var/lib/odoo")).toBeLessThan(script.indexOf("install -d -o odoo -g odoo -m 0755 /etc/odoo"));
    expect(script).not.toContain("/var/lib/postgresql/data");
    expect(systemSetupScript(findNode(topology, "postgresql1"))).toContain("install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data");
  });

  it("has systemd-tmpfiles make a role's folders under /run again at every boot", () => {
    expect(renderTmpfiles(findNode(topology, "postgresql1"))).toContain("d /run/postgresql 2775 postgres postgres -");
    expect(renderTmpfiles(findNode(topology, "lb1"))).not.toContain("/run/postgresql");
  });

  it("disables every role's Debian units, the release's PostgreSQL cluster unit among them", () => {
    expect(debianUnits(topology).sort()).toEqual(
      ["etcd.service", "glusterd.service", "glustereventsd.service", "haproxy.service", "keepalived.service", "patroni.service", "pgbouncer.service", "prometheus.service", "prometheus-alertmanager.service", "prometheus-node-exporter.service", "postgresql.service", `postgresql@${topology.postgres.version}-main.service`].sort(),
    );
  });
});
