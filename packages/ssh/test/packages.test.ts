import { describe, expect, it } from "vitest";
import { bookwormLab } from "./support/bookworm-lab.ts";
import { fileURLToPath } from "node:url";
import { findNode, loadTopologyFile } from "@odoo-ha-lab/topology";
import { ODOO_DEBIAN_PACKAGES } from "@odoo-ha-lab/roles";
import { BASE_PACKAGES, packagesForNode, parseInstalled } from "../src/packages.ts";

const topology = bookwormLab();
const DEFAULT_LAB = fileURLToPath(new URL("../../../labs/odoo-ha/topology.yaml", import.meta.url));

describe("packages per node", () => {
  it("installs only what a node's roles run, plus the tools the faults use", () => {
    const pg = packagesForNode(topology, findNode(topology, "postgresql1"));
    expect(pg).toEqual(expect.arrayContaining([...BASE_PACKAGES, "postgresql-15", "patroni", "python3-etcd"]));
    expect(pg).not.toContain("haproxy");
    expect(pg).not.toContain("etcd-server");
    const lb2 = packagesForNode(topology, findNode(topology, "lb2"));
    expect(lb2).toEqual(expect.arrayContaining(["haproxy", "keepalived", "etcd-server", "glusterfs-server"]));
    expect(lb2).not.toContain("postgresql-15");
  });

  it("installs Odoo's Python packages on app machines when Odoo comes from a source, and only there", () => {
    const fromSource = { ...topology, odoo: { ...topology.odoo, source: "/src/odoo-17.0-src.tar.xz" } };
    const app = packagesForNode(fromSource, findNode(fromSource, "odoo1"));
    expect(app).toEqual(expect.arrayContaining([...ODOO_DEBIAN_PACKAGES, "glusterfs-client", "postgresql-client-15"]));
    expect(packagesForNode(fromSource, findNode(fromSource, "postgresql1"))).not.toContain("python3-werkzeug");
    // An Odoo the user installed (e.g. Odoo's Debian package) brought its own dependencies.
    expect(packagesForNode(topology, findNode(topology, "odoo1"))).not.toContain("python3-werkzeug");
  });

  it("names an app node's packages for Debian 12 in a Debian 13 lab, the others for Debian 13", () => {
    const trixie = loadTopologyFile(DEFAULT_LAB, { release: "debian-13" });
    expect(packagesForNode(trixie, findNode(trixie, "postgresql1"))).toEqual(expect.arrayContaining(["postgresql-17", "postgresql-client-17"]));
    const app = packagesForNode(trixie, findNode(trixie, "odoo2"));
    expect(app).toEqual(expect.arrayContaining(["postgresql-client-15", "etcd-server"]));
    expect(app).not.toContain("postgresql-client-17");
  });

  it("counts only fully installed packages as present", () => {
    const installed = parseInstalled("haproxy install ok installed\ncurl deinstall ok config-files\nlibc6:amd64 install ok installed\n");
    expect([...installed].sort()).toEqual(["haproxy", "libc6"]);
  });
});
